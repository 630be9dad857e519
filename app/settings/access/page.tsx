import { AccessSettings } from "@/components/access/access-settings";

export default function AccessPage() {
  return <AccessSettings />;
}
