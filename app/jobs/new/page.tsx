import { CreateJobForm } from "@/components/jobs/create-job-form";

export default function NewJobPage() {
  return <CreateJobForm />;
}
