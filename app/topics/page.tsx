import { TopicsPage } from "@/components/topics/topics-page";

export default function Topics() {
  return <TopicsPage />;
}
