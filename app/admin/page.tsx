import { redirect } from "next/navigation";

// GET /admin – the console starts at the orders table.
export default function AdminHome() {
  redirect("/admin/orders");
}
