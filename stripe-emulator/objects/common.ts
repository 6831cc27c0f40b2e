// Small shared pieces of Stripe's object shapes.

export type Metadata = Record<string, string>;

/** Stripe timestamps are whole Unix seconds. */
export const unix = (ms: number) => Math.floor(ms / 1000);

export const emptyAddress = () => ({ city: null, country: null, line1: null, line2: null, postal_code: null, state: null });

/** PaymentIntent.shipping and Charge.shipping. */
export type PaymentShipping = {
  address: {
    city: string | null;
    country: string | null;
    line1: string | null;
    line2: string | null;
    postal_code: string | null;
    state: string | null;
  };
  carrier: string | null;
  name: string;
  phone: string | null;
  tracking_number: string | null;
};

/** The API version the emulator claims (stripe-node 23.1.0's pinned version), echoed on events. */
export const API_VERSION = "2026-10-28.endive";
