import type { Address } from "../domain/addresses";
import { emptyAddress } from "./common";

// A Customer with every field of Stripe's example, as Checkout creates one
// (customer_creation: "always") from what the customer entered.

export type NewCustomer = {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  phone: string | null;
  address: Address | null;
  shipping: { name: string; address: Address } | null;
  invoicePrefix: string;
};

export function newCustomer(c: NewCustomer) {
  return {
    id: c.id,
    object: "customer" as const,
    address: c.address ?? emptyAddress(),
    balance: 0,
    created: c.created,
    currency: null as string | null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: c.email,
    invoice_prefix: c.invoicePrefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: c.name,
    next_invoice_sequence: 1,
    phone: c.phone,
    preferred_locales: [] as string[],
    shipping: c.shipping ? { address: c.shipping.address, name: c.shipping.name, phone: c.phone } : null,
    tax_exempt: "none" as const,
    test_clock: null,
  };
}

export type Customer = ReturnType<typeof newCustomer>;
