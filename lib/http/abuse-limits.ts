import { AppError } from "@/lib/errors";
import { take, waitText, type LimitSpec } from "./rate-limiter";

// How often one shopper (or one address) may do the expensive things. Kept in
// PostgreSQL (lib/http/rate-limiter.ts), so they hold across app instances.
// The caps on what a shopper may hold unpaid are settings (lib/env.ts:
// MAX_UNPAID_ORDERS_PER_SHOPPER, MAX_RESERVED_COPIES_PER_SHOPPER), checked in
// placeOrder's transaction. Sign-in has its own limits (lib/auth/throttle.ts).

const MINUTE = 60;

export const LIMITS = {
  /** Creating an account runs argon2 (tens of ms of CPU): per client address. */
  register: { keyPrefix: "register_ip", points: 10, duration: 60 * MINUTE },
  /** Checkouts that reach the stock (an empty cart is refused before): per shopper. */
  checkout: { keyPrefix: "checkout_user", points: 20, duration: 10 * MINUTE },
  /** Payment attempts that would open a gateway session: per shopper. */
  paymentStart: { keyPrefix: "payment_start_user", points: 20, duration: 10 * MINUTE },
  /** The success page asks the gateway about one session at most this often (per shopper and session). */
  returnCheck: { keyPrefix: "return_check", points: 1, duration: 10 },
  /** Guest checkouts (no account), per client address and per e-mail address (docs/SECURITY.md, "Guest orders"). */
  guestCheckoutAddress: { keyPrefix: "checkout_guest_ip", points: 10, duration: 10 * MINUTE },
  guestCheckoutEmail: { keyPrefix: "checkout_guest_email", points: 5, duration: 10 * MINUTE },
  /** Signed guest-order links followed, per client address (a token cannot be guessed; this bounds the work). */
  guestLink: { keyPrefix: "guest_link_ip", points: 60, duration: 10 * MINUTE },
  /** Verification links followed, per client address. */
  verifyEmail: { keyPrefix: "verify_email_ip", points: 30, duration: 10 * MINUTE },
  /** Verification e-mails asked for, per account. */
  verificationMail: { keyPrefix: "verification_mail_user", points: 3, duration: 60 * MINUTE },
  /** Partial refunds asked by one shopper (each is a gateway refund): per shopper. */
  partialRefundUser: { keyPrefix: "partial_refund_user", points: 10, duration: 10 * MINUTE },
  /** Partial refunds sent by one operator. */
  partialRefundAdmin: { keyPrefix: "partial_refund_admin", points: 60, duration: 10 * MINUTE },
  /** Promotion codes created or deactivated by one operator (each is two or three gateway calls). */
  promotionCodes: { keyPrefix: "promotion_codes_admin", points: 30, duration: 10 * MINUTE },
  /** Carrier tracking callbacks, per sending address (three per parcel, plus retries; unsigned ones count too). */
  carrierCallbacks: { keyPrefix: "carrier_callback_ip", points: 600, duration: MINUTE },
  /** "Put these books back in my cart": per shopper, or per guest order (each rewrites the cart). */
  reorder: { keyPrefix: "reorder_viewer", points: 20, duration: 10 * MINUTE },
  /** Pause, resume and ship by hand, by one operator (each is a transition of an order). */
  orderAutomationAdmin: { keyPrefix: "order_automation_admin", points: 60, duration: 10 * MINUTE },
  /**
   * Refunds of whole orders, deliveries marked by hand, returns received or rejected, by one operator.
   * Each is a transition of an order (a refund also a gateway call); working through a day's returns by
   * hand is well inside it, a runaway script or a stolen session is not.
   */
  orderChangesAdmin: { keyPrefix: "order_changes_admin", points: 120, duration: 10 * MINUTE },
  /** Copies received or written off, by one operator (each changes what shoppers may buy). */
  stockChangesAdmin: { keyPrefix: "stock_changes_admin", points: 120, duration: 10 * MINUTE },
  /** Outbound hook changes by one operator: endpoints registered, enabled, disabled, deleted; deliveries redelivered. */
  hookChanges: { keyPrefix: "hook_changes_admin", points: 60, duration: 10 * MINUTE },
  /** Return requests: per shopper. */
  returnRequests: { keyPrefix: "return_request_user", points: 10, duration: 60 * MINUTE },
  /** "Forgot password?" requests from one client address (each may e-mail a link). */
  passwordResetIp: { keyPrefix: "password_reset_ip", points: 20, duration: 60 * MINUTE },
  /** Links asked for one e-mail address, whether or not it has an account (no inbox is flooded). */
  passwordResetAddress: { keyPrefix: "password_reset_address", points: 3, duration: 60 * MINUTE },
  /** New passwords set from one client address (each valid one runs argon2). */
  passwordResetConfirm: { keyPrefix: "password_reset_confirm_ip", points: 20, duration: 15 * MINUTE },
  /**
   * New anonymous carts per client address: a shopper makes one, a browser that drops its cookies a few;
   * many shoppers may share an address behind a NAT. Without it a script made a cart row per request.
   */
  anonymousCart: { keyPrefix: "anonymous_cart_ip", points: 100, duration: 10 * MINUTE },
} satisfies Record<string, LimitSpec>;

export { take };

function refuse(wait: number, message: string): never {
  throw new AppError("rate_limited", message, { retryAfterSeconds: wait });
}

export async function throttleRegistration(address: string): Promise<void> {
  const wait = await take(LIMITS.register, address);
  if (wait > 0) refuse(wait, `Too many accounts were created from your network just now. Please try again in ${waitText(wait)}.`);
}

export async function throttleCheckout(userId: string): Promise<void> {
  const wait = await take(LIMITS.checkout, userId);
  if (wait > 0)
    refuse(
      wait,
      `You are placing orders faster than we can take them. Please try again in ${waitText(wait)}, or pay for an order you already placed.`,
    );
}

/** A guest checkout counts against the client's address and against the e-mail address it is placed for. */
export async function throttleGuestCheckout(address: string, email: string): Promise<void> {
  const byAddress = await take(LIMITS.guestCheckoutAddress, address);
  if (byAddress > 0)
    refuse(byAddress, `Too many guest orders were placed from your network just now. Please try again in ${waitText(byAddress)}.`);
  const byEmail = await take(LIMITS.guestCheckoutEmail, email);
  if (byEmail > 0)
    refuse(
      byEmail,
      `Too many orders were placed for this e-mail address just now. Please try again in ${waitText(byEmail)}, or pay for an order you already placed (the link is in its e-mail).`,
    );
}

export async function throttleGuestLink(address: string): Promise<void> {
  const wait = await take(LIMITS.guestLink, address);
  if (wait > 0) refuse(wait, `Too many order links were opened from your network just now. Please try again in ${waitText(wait)}.`);
}

export async function throttleEmailVerification(address: string): Promise<void> {
  const wait = await take(LIMITS.verifyEmail, address);
  if (wait > 0) refuse(wait, `Too many confirmation links were tried from your network just now. Please try again in ${waitText(wait)}.`);
}

export async function throttleVerificationMail(userId: string): Promise<void> {
  const wait = await take(LIMITS.verificationMail, userId);
  if (wait > 0) refuse(wait, `We sent several verification e-mails already. Please try again in ${waitText(wait)}.`);
}

export async function throttlePaymentStart(userId: string): Promise<void> {
  const wait = await take(LIMITS.paymentStart, userId);
  if (wait > 0)
    refuse(
      wait,
      `Too many payment attempts in a short time. Please try again in ${waitText(wait)}; your books stay reserved until the order's deadline.`,
    );
}

/** True when the success page may ask the gateway about this session now (not within the last few seconds). */
export async function gatewayCheckDue(userId: string, sessionId: string): Promise<boolean> {
  return (await take(LIMITS.returnCheck, userId, sessionId)) === 0;
}

export async function throttlePromotionCodes(adminId: string): Promise<void> {
  const wait = await take(LIMITS.promotionCodes, adminId);
  if (wait > 0) refuse(wait, `Too many promotion code changes in a short time. Please try again in ${waitText(wait)}.`);
}

export async function throttlePartialRefund(actor: { id: string; role: "customer" | "admin" }): Promise<void> {
  const wait = await take(actor.role === "admin" ? LIMITS.partialRefundAdmin : LIMITS.partialRefundUser, actor.id);
  if (wait > 0) refuse(wait, `Too many refunds asked in a short time. Please try again in ${waitText(wait)}.`);
}

export async function throttleOrderAutomation(adminId: string): Promise<void> {
  const wait = await take(LIMITS.orderAutomationAdmin, adminId);
  if (wait > 0) refuse(wait, `Too many pauses, resumes and shipments in a short time. Please try again in ${waitText(wait)}.`);
}

export async function throttleOrderChanges(adminId: string): Promise<void> {
  const wait = await take(LIMITS.orderChangesAdmin, adminId);
  if (wait > 0) refuse(wait, `Too many refunds, deliveries and returns in a short time. Please try again in ${waitText(wait)}.`);
}

export async function throttleStockChanges(adminId: string): Promise<void> {
  const wait = await take(LIMITS.stockChangesAdmin, adminId);
  if (wait > 0) refuse(wait, `Too many stock changes in a short time. Please try again in ${waitText(wait)}.`);
}

export async function throttleHookChanges(adminId: string): Promise<void> {
  const wait = await take(LIMITS.hookChanges, adminId);
  if (wait > 0) refuse(wait, `Too many hook changes in a short time. Please try again in ${waitText(wait)}.`);
}

export async function throttleCarrierCallbacks(address: string): Promise<void> {
  const wait = await take(LIMITS.carrierCallbacks, address);
  if (wait > 0) refuse(wait, `Too many carrier callbacks. Retry in ${waitText(wait)}.`);
}

export async function throttleReorder(viewerKey: string): Promise<void> {
  const wait = await take(LIMITS.reorder, viewerKey);
  if (wait > 0) refuse(wait, `Too many requests to put books back in your cart. Please try again in ${waitText(wait)}.`);
}

export async function throttleReturnRequests(userId: string): Promise<void> {
  const wait = await take(LIMITS.returnRequests, userId);
  if (wait > 0) refuse(wait, `Too many return requests in a short time. Please try again in ${waitText(wait)}.`);
}

/** Per client address, then per e-mail address: both answer alike for addresses with and without an account. */
export async function throttlePasswordReset(address: string, email: string): Promise<void> {
  const fromNetwork = await take(LIMITS.passwordResetIp, address);
  if (fromNetwork > 0)
    refuse(fromNetwork, `Too many password reset requests from your network. Please try again in ${waitText(fromNetwork)}.`);
  const forAddress = await take(LIMITS.passwordResetAddress, email);
  if (forAddress > 0)
    refuse(
      forAddress,
      `We have sent several links to this address already. Please check your inbox, or try again in ${waitText(forAddress)}.`,
    );
}

export async function throttlePasswordResetConfirm(address: string): Promise<void> {
  const wait = await take(LIMITS.passwordResetConfirm, address);
  if (wait > 0) refuse(wait, `Too many attempts to set a new password. Please try again in ${waitText(wait)}.`);
}

export async function throttleAnonymousCart(address: string): Promise<void> {
  const wait = await take(LIMITS.anonymousCart, address);
  if (wait > 0) refuse(wait, `Too many new carts were started from your network just now. Please try again in ${waitText(wait)}.`);
}
