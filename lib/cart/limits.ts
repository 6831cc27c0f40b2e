// Cart limits shared by the server and the browser. No imports: a client
// component that needs a number must not pull zod (~25 KB) into its page.
export const MAX_PER_LINE = 50;
/** Different books in one cart (a guest's cookie cart too): bounds what one anonymous visitor can make the store keep. */
export const MAX_LINES_PER_CART = 100;
