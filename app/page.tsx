import { JobsOverview } from "@/components/jobs/jobs-overview";

export default function JobsPage() {
  return <JobsOverview />;
}
