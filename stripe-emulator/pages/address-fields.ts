import { addressFormat, CHECKOUT_COUNTRIES, countryName, FIELD_MAX, type AddressInput, type FieldErrors } from "../domain/addresses";
import type { SessionRecord } from "../store";
import { esc } from "./layout";

// The hosted page's address fieldset: a country select limited to the
// session's allowed countries, and the fields that fit the chosen country
// (state + ZIP, province + postal code, postcode…). Without JavaScript the
// "Update" button re-renders the fields for a new country; with it, the
// page does that by itself (checkout-script.ts).

/** One labelled input with its error, wired for screen readers. */
export function textField(o: {
  id: string;
  name: string;
  label: string;
  value: string | null | undefined;
  error?: string;
  autocomplete: string;
  required?: boolean;
  maxLength: number;
  type?: string;
  inputmode?: string;
  hint?: string;
}): string {
  const described = [o.hint ? `${o.id}-hint` : "", o.error ? `${o.id}-error` : ""].filter(Boolean).join(" ");
  const attributes = [
    `type="${o.type ?? "text"}"`,
    `id="${o.id}"`,
    `name="${o.name}"`,
    `autocomplete="${o.autocomplete}"`,
    `maxlength="${o.maxLength}"`,
    `value="${esc(o.value)}"`,
    o.inputmode ? `inputmode="${o.inputmode}"` : "",
    o.required ? `required aria-required="true"` : "",
    o.error ? `aria-invalid="true"` : "",
    described ? `aria-describedby="${described}"` : "",
  ].filter(Boolean);
  return `<div class="field"><label for="${o.id}">${esc(o.label)}${o.required ? "" : ` <span class="optional">(optional)</span>`}</label>
<input ${attributes.join(" ")}>
${o.hint ? `<p class="hint" id="${o.id}-hint">${esc(o.hint)}</p>` : ""}${fieldError(o.id, o.error)}</div>`;
}

export function fieldError(id: string, error: string | undefined): string {
  return error ? `<p class="field-error" id="${id}-error">${esc(error)}</p>` : "";
}

function countryOptions(record: SessionRecord, selected: string): string {
  const allowed = record.collect.allowedCountries ?? [...CHECKOUT_COUNTRIES].filter((c) => c !== "ZZ");
  const sorted = [...allowed].sort((a, b) => countryName(a).localeCompare(countryName(b)));
  const blank = selected === "" || !allowed.includes(selected) ? `<option value="" selected>Choose…</option>` : "";
  return (
    blank +
    sorted.map((code) => `<option value="${esc(code)}"${code === selected ? " selected" : ""}>${esc(countryName(code))}</option>`).join("")
  );
}

/** The fields below the country select; the script swaps this block when the country changes. */
export function addressLines(record: SessionRecord, input: AddressInput, errors: FieldErrors): string {
  const country = (input.country ?? "").toUpperCase();
  const format = addressFormat(country);
  const shipping = record.collect.address === "shipping";
  const parts: string[] = [];
  if (shipping) {
    parts.push(
      textField({
        id: "ship-name",
        name: "name",
        label: "Full name",
        value: input.name,
        error: errors.name,
        autocomplete: "shipping name",
        required: true,
        maxLength: FIELD_MAX.name,
      }),
    );
    parts.push(
      textField({
        id: "line1",
        name: "line1",
        label: "Address line 1",
        value: input.line1,
        error: errors.line1,
        autocomplete: "shipping address-line1",
        required: true,
        maxLength: FIELD_MAX.line,
      }),
    );
    parts.push(
      textField({
        id: "line2",
        name: "line2",
        label: "Address line 2",
        value: input.line2,
        error: errors.line2,
        autocomplete: "shipping address-line2",
        maxLength: FIELD_MAX.line,
      }),
    );
    parts.push(
      textField({
        id: "city",
        name: "city",
        label: format.cityLabel,
        value: input.city,
        error: errors.city,
        autocomplete: "shipping address-level2",
        required: true,
        maxLength: FIELD_MAX.city,
      }),
    );
  }
  const section = shipping ? "shipping" : "billing";
  const row: string[] = [];
  if (format.region) {
    const current = (input.state ?? "").toUpperCase();
    const options = format.region.regions
      .map((r) => `<option value="${esc(r.code)}"${r.code === current ? " selected" : ""}>${esc(r.name)}</option>`)
      .join("");
    const invalid = errors.state ? ` aria-invalid="true" aria-describedby="state-error"` : "";
    row.push(`<div class="field"><label for="state">${esc(format.region.label)}</label>
<select id="state" name="state" autocomplete="${section} address-level1" required aria-required="true"${invalid}><option value=""${current ? "" : " selected"}>Choose…</option>${options}</select>
${fieldError("state", errors.state)}</div>`);
  }
  const postal = format.postal;
  row.push(
    textField({
      id: "postal-code",
      name: "postal_code",
      label: postal?.label ?? "Postal code",
      value: input.postal_code,
      error: errors.postal_code,
      autocomplete: `${section} postal-code`,
      required: postal !== null,
      maxLength: FIELD_MAX.postal,
      hint: postal ? `For example ${postal.example}` : undefined,
    }),
  );
  parts.push(row.length > 1 ? `<div class="row">${row.join("\n")}</div>` : row.join(""));
  return `<div id="address-lines" data-country="${esc(country)}">
${parts.join("\n")}
</div>`;
}

export function addressFieldset(record: SessionRecord, input: AddressInput, errors: FieldErrors): string {
  const shipping = record.collect.address === "shipping";
  const country = (input.country ?? "").toUpperCase();
  const invalid = errors.country ? ` aria-invalid="true" aria-describedby="country-error"` : "";
  const legend = shipping ? "Shipping address" : "Billing address";
  const why = shipping ? "" : `<p class="hint">Needed to work out the tax.</p>`;
  return `<fieldset class="group" id="address">
<legend>${legend}</legend>${why}
<div class="field"><label for="country">Country or region</label>
<select id="country" name="country" autocomplete="${shipping ? "shipping" : "billing"} country" required aria-required="true"${invalid}>${countryOptions(record, country)}</select>
${fieldError("country", errors.country)}
<noscript><button type="submit" name="action" value="update" class="secondary small">Show the fields for this country</button></noscript></div>
${addressLines(record, input, errors)}
</fieldset>`;
}
