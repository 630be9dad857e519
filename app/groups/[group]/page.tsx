import { GroupDetail } from "@/components/groups/group-detail";

export default async function GroupPage({ params }: { params: Promise<{ group: string }> }) {
  const { group } = await params;
  return <GroupDetail group={decodeURIComponent(group)} />;
}
