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

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    let muted = false;
    const output = rl as unknown as { _writeToOutput: (text: string) => void; output: NodeJS.WriteStream };
    output._writeToOutput = (text: string) => {
      if (!muted) output.output.write(text);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

let args;
try {
  args = parseArgs({ options: { email: { type: "string" }, name: { type: "string", default: "Operator" } }, strict: true }).values;
} catch (error) {
  fail(`${(error as Error).message}. Usage: npm run admin:create -- --email you@example.com [--name "Your Name"]`);
}
const email = z.email().max(254).safeParse(args.email?.trim().toLowerCase());
if (!email.success) fail(args.email ? `"${args.email}" is not a valid e-mail address` : 'give the operator\'s e-mail: npm run admin:create -- --email you@example.com');
const name = args.name.trim();
if (!name || name.length > 100 || hasControlCharacters(name)) fail("--name must be 1 to 100 printable characters");

let password = env().ADMIN_PASSWORD;
if (password === undefined) {
  if (!process.stdin.isTTY) fail("set ADMIN_PASSWORD, or run this in a terminal to be asked for the password");
  password = await promptHidden(`Password for ${email.data}: `);
  const again = await promptHidden("The same password again: ");
  if (again !== password) fail("the two passwords differ; nothing was changed");
}
const problem = operatorPasswordProblem(password, email.data);
if (problem) fail(`${problem}; nothing was changed`);

try {
  const operator = await createOperator({ email: email.data, password, name });
  console.log(`operator ${operator.email} created: sign in at ${env().APP_URL ?? "the store"}/signin, the console is at /admin`);
} catch (error) {
  if (isAppError(error) && error.code === "email_taken") fail(error.message, 1);
  throw error;
} finally {
  await closeDb();
}
