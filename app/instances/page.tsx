import { InstancesPage } from "@/components/instances/instances-page";

export default function Instances() {
  return <InstancesPage />;
}
