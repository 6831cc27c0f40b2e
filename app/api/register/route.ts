// POST /api/register – create a customer account
import { registerUser } from "@/lib/auth/users";
import { registerSchema } from "@/lib/auth/register-schema";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (request: Request) => {
  const input = await readJson(request, registerSchema);
  return json(await registerUser(input), { status: 201 });
});
