import { GroupsList } from "@/components/groups/groups-list";

export default function GroupsPage() {
  return <GroupsList />;
}
