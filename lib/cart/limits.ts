// Cart limits shared by the server and the browser. No imports: a client
// component that needs a number must not pull zod (~25 KB) into its page.
export const MAX_PER_LINE = 50;
