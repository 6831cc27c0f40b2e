// A loading boundary only where the page never answers 404: under one, Next
// streams a 200 before the page could call notFound().
import { PageSkeleton } from "@/components/page-skeleton";

export default function Loading() {
  return <PageSkeleton label="Loading…" panels={3} />;
}
