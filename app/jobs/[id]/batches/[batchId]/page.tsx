import { BatchDetail } from "@/components/batches/batch-detail";

export default async function BatchPage({ params }: { params: Promise<{ id: string; batchId: string }> }) {
  const { id, batchId } = await params;
  return <BatchDetail jobId={decodeURIComponent(id)} batchId={Number(batchId)} />;
}
