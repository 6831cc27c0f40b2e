// npm run admin:create -- --email ops@example.com [--name "Sam Operator"]
// Creates an operator account: the first one of a production store (which never
// seeds the demo accounts), or another. The password comes from ADMIN_PASSWORD
// or, in a terminal, from a prompt that does not echo it.
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { closeDb } from "@/db";
import { operatorPasswordProblem } from "@/lib/auth/operator-password";
import { createOperator } from "@/lib/auth/users";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { hasControlCharacters } from "@/lib/ids";

function fail(message: string, code = 2): never {
  console.error(`admin:create: ${message}`);
  process.exit(code);
}

/** Asks the questions in the terminal without echoing the answers (one readline for all: it buffers input). */
async function promptHidden(questions: string[]): Promise<string[]> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const internals = rl as unknown as { _writeToOutput: (text: string) => void; output: NodeJS.WriteStream };
  let muted = false;
  internals._writeToOutput = (text: string) => {
    if (!muted) internals.output.write(text);
  };
  const answers: string[] = [];
  for (const question of questions) {
    muted = false;
    answers.push(
      await new Promise<string>((resolve) => {
        rl.question(question, resolve);
        muted = true;
      }),
    );
    process.stdout.write("\n");
  }
  rl.close();
  return answers;
}

let args;
try {
  args = parseArgs({ options: { email: { type: "string" }, name: { type: "string", default: "Operator" } }, strict: true }).values;
} catch (error) {
  fail(`${(error as Error).message}. Usage: npm run admin:create -- --email you@example.com [--name "Your Name"]`);
}
const email = z.email().max(254).safeParse(args.email?.trim().toLowerCase());
if (!email.success)
  fail(
    args.email
      ? `"${args.email}" is not a valid e-mail address`
      : "give the operator's e-mail: npm run admin:create -- --email you@example.com",
  );
const name = args.name.trim();
if (!name || name.length > 100 || hasControlCharacters(name)) fail("--name must be 1 to 100 printable characters");

let password = env().ADMIN_PASSWORD;
if (password === undefined) {
  if (!process.stdin.isTTY) fail("set ADMIN_PASSWORD, or run this in a terminal to be asked for the password");
  const [first, again] = await promptHidden([`Password for ${email.data}: `, "The same password again: "]);
  if (again !== first) fail("the two passwords differ; nothing was changed");
  password = first!;
}
const problem = operatorPasswordProblem(password, email.data);
if (problem) fail(`${problem}; nothing was changed`);

try {
  const operator = await createOperator({ email: email.data, password, name });
  console.log(`operator ${operator.email} created: sign in at ${env().APP_URL ?? ""}/signin; the console is at /admin`);
} catch (error) {
  if (isAppError(error) && error.code === "email_taken") fail(error.message, 1);
  throw error;
} finally {
  await closeDb();
}
