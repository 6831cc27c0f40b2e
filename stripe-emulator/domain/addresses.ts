// Countries and the address fields that fit each one: what the hosted page
// asks for, how it checks it, and a sample address per country that headless
// payments (POST /_emulator/sessions/:id/pay) use when a test sends none.

/** The countries Checkout accepts in shipping_address_collection.allowed_countries (stripe-node 23.1.0's list). */
export const CHECKOUT_COUNTRIES: ReadonlySet<string> = new Set(
  `AC AD AE AF AG AI AL AM AO AQ AR AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CD CF CG CH CI CK CL CM CN CO CR CV
CW CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HN HR HT HU ID IE IL IM IN
IO IQ IS IT JE JM JO JP KE KG KH KI KM KN KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MK ML MM MN MO MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX
SZ TA TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VN VU WF WS XK YE YT ZA ZM ZW ZZ`.split(/\s+/),
);

const displayNames = new Intl.DisplayNames(["en"], { type: "region" });

export function countryName(code: string): string {
  if (code === "ZZ") return "Other";
  try {
    return displayNames.of(code) ?? code;
  } catch {
    return code;
  }
}

export type Region = { code: string; name: string };

const US_STATES: Region[] = Object.entries({
  AL: "Alabama",
  AK: "Alaska",
  AZ: "Arizona",
  AR: "Arkansas",
  CA: "California",
  CO: "Colorado",
  CT: "Connecticut",
  DE: "Delaware",
  DC: "District of Columbia",
  FL: "Florida",
  GA: "Georgia",
  HI: "Hawaii",
  ID: "Idaho",
  IL: "Illinois",
  IN: "Indiana",
  IA: "Iowa",
  KS: "Kansas",
  KY: "Kentucky",
  LA: "Louisiana",
  ME: "Maine",
  MD: "Maryland",
  MA: "Massachusetts",
  MI: "Michigan",
  MN: "Minnesota",
  MS: "Mississippi",
  MO: "Missouri",
  MT: "Montana",
  NE: "Nebraska",
  NV: "Nevada",
  NH: "New Hampshire",
  NJ: "New Jersey",
  NM: "New Mexico",
  NY: "New York",
  NC: "North Carolina",
  ND: "North Dakota",
  OH: "Ohio",
  OK: "Oklahoma",
  OR: "Oregon",
  PA: "Pennsylvania",
  RI: "Rhode Island",
  SC: "South Carolina",
  SD: "South Dakota",
  TN: "Tennessee",
  TX: "Texas",
  UT: "Utah",
  VT: "Vermont",
  VA: "Virginia",
  WA: "Washington",
  WV: "West Virginia",
  WI: "Wisconsin",
  WY: "Wyoming",
}).map(([code, name]) => ({ code, name }));

const CA_PROVINCES: Region[] = Object.entries({
  AB: "Alberta",
  BC: "British Columbia",
  MB: "Manitoba",
  NB: "New Brunswick",
  NL: "Newfoundland and Labrador",
  NS: "Nova Scotia",
  NT: "Northwest Territories",
  NU: "Nunavut",
  ON: "Ontario",
  PE: "Prince Edward Island",
  QC: "Quebec",
  SK: "Saskatchewan",
  YT: "Yukon",
}).map(([code, name]) => ({ code, name }));

export type PostalRule = {
  label: string;
  /** Checked after trimming and upper-casing. */
  pattern: RegExp;
  /** Shown when the pattern does not match. */
  hint: string;
  /** The stored form (e.g. "SW1A 1AA" with its space). */
  normalize: (value: string) => string;
  example: string;
};

export type AddressFormat = {
  /** A required state/province select (US, CA); absent elsewhere. */
  region: { label: string; regions: Region[] } | null;
  /** null: the country has a free-form, optional postal code. */
  postal: PostalRule | null;
  cityLabel: string;
};

const upper = (value: string) => value.trim().toUpperCase();
/** The code without its spaces, with one space where the country puts it. */
const spacedAt = (at: (compact: string) => number) => (value: string) => {
  const compact = upper(value).replace(/\s+/g, "");
  return `${compact.slice(0, at(compact))} ${compact.slice(at(compact))}`;
};
/** "SW1A1AA" → "SW1A 1AA", "m5v2t6" → "M5V 2T6": the last three characters stand apart. */
const spacedBeforeLast3 = spacedAt((compact) => compact.length - 3);

const fiveDigits = (label: string, example: string): PostalRule => ({
  label,
  pattern: /^\d{5}$/,
  hint: `Enter a 5-digit ${label.toLowerCase()}, like ${example}.`,
  normalize: upper,
  example: example,
});

const FORMATS: Record<string, AddressFormat> = {
  US: {
    region: { label: "State", regions: US_STATES },
    postal: {
      label: "ZIP code",
      pattern: /^\d{5}(-\d{4})?$/,
      hint: "Enter a ZIP code like 94103 or 94103-1234.",
      normalize: upper,
      example: "94103",
    },
    cityLabel: "City",
  },
  CA: {
    region: { label: "Province", regions: CA_PROVINCES },
    postal: {
      label: "Postal code",
      pattern: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/,
      hint: "Enter a postal code like M5V 2T6.",
      normalize: spacedBeforeLast3,
      example: "M5V 2T6",
    },
    cityLabel: "City",
  },
  GB: {
    region: null,
    postal: {
      label: "Postcode",
      pattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/,
      hint: "Enter a postcode like SW1A 1AA.",
      normalize: spacedBeforeLast3,
      example: "SW1A 1AA",
    },
    cityLabel: "Town or city",
  },
  IE: {
    region: null,
    postal: {
      label: "Eircode",
      pattern: /^(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}$/,
      hint: "Enter an Eircode like D02 X285.",
      normalize: spacedAt(() => 3),
      example: "D02 X285",
    },
    cityLabel: "Town or city",
  },
  DE: { region: null, postal: fiveDigits("Postal code", "10115"), cityLabel: "City" },
  FR: { region: null, postal: fiveDigits("Postal code", "75001"), cityLabel: "City" },
  ES: { region: null, postal: fiveDigits("Postal code", "28001"), cityLabel: "City" },
  IT: { region: null, postal: fiveDigits("Postal code", "00184"), cityLabel: "City" },
  NL: {
    region: null,
    postal: {
      label: "Postal code",
      pattern: /^\d{4} ?[A-Z]{2}$/,
      hint: "Enter a postal code like 1012 AB.",
      normalize: spacedAt(() => 4),
      example: "1012 AB",
    },
    cityLabel: "City",
  },
};

const GENERIC: AddressFormat = { region: null, postal: null, cityLabel: "City" };

export function addressFormat(country: string): AddressFormat {
  return FORMATS[country] ?? GENERIC;
}

export type Address = {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string;
};
export type ShippingDetails = { name: string; address: Address };

/** Addresses used by headless payments when the test sends none (per country; other countries need one). */
export const SAMPLE_ADDRESSES: Record<string, Address> = {
  US: { line1: "354 Oyster Point Blvd", line2: null, city: "South San Francisco", state: "CA", postal_code: "94080", country: "US" },
  CA: { line1: "290 Bremner Blvd", line2: null, city: "Toronto", state: "ON", postal_code: "M5V 3L9", country: "CA" },
  GB: { line1: "10 Downing Street", line2: null, city: "London", state: null, postal_code: "SW1A 2AA", country: "GB" },
  IE: { line1: "1 Grand Canal Street Lower", line2: null, city: "Dublin", state: null, postal_code: "D02 H210", country: "IE" },
  DE: { line1: "Unter den Linden 1", line2: null, city: "Berlin", state: null, postal_code: "10117", country: "DE" },
  FR: { line1: "1 Rue de Rivoli", line2: null, city: "Paris", state: null, postal_code: "75001", country: "FR" },
  ES: { line1: "Calle Mayor 1", line2: null, city: "Madrid", state: null, postal_code: "28013", country: "ES" },
  IT: { line1: "Via del Corso 1", line2: null, city: "Roma", state: null, postal_code: "00186", country: "IT" },
  NL: { line1: "Dam 1", line2: null, city: "Amsterdam", state: null, postal_code: "1012 JS", country: "NL" },
};

export const FIELD_MAX = { name: 200, line: 200, city: 100, postal: 20, email: 254, phone: 30 } as const;

export type AddressInput = {
  name?: string;
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
};
export type AddressField = "name" | "line1" | "line2" | "city" | "state" | "postal_code" | "country";
export type FieldErrors = Partial<Record<string, string>>;

const clean = (value: string | undefined) => (value ?? "").trim();

/**
 * Checks an address against its country's format. `shipping` asks for the
 * whole address and a name; `location` (automatic tax without shipping) only
 * for country, state/province and postal code, as Checkout's billing fields do.
 * Errors are keyed by field; `partial` skips the "required" checks (the page's
 * update action, while the customer is still typing) but still reports
 * malformed values.
 */
export function validateAddress(
  input: AddressInput,
  allowed: readonly string[] | null,
  options: { partial: boolean; kind: "shipping" | "location" },
): { details: ShippingDetails | null; errors: FieldErrors; country: string | null; state: string | null } {
  const errors: FieldErrors = {};
  const { partial } = options;
  const street = options.kind === "shipping";
  const country = clean(input.country).toUpperCase();
  const okCountry = country !== "" && CHECKOUT_COUNTRIES.has(country) && (!allowed || allowed.includes(country));
  if (!okCountry && (country !== "" || !partial)) errors.country = country ? "We do not ship to this country." : "Choose a country.";
  const format = addressFormat(country);

  const text = (field: AddressField, max: number, label: string, missing: string | null): string => {
    const value = clean(input[field]);
    if (value.length > max) errors[field] = `${label} can have up to ${max} characters.`;
    else if (value === "" && missing && !partial) errors[field] = missing;
    return value;
  };
  const name = street ? text("name", FIELD_MAX.name, "The name", "Enter the recipient's full name.") : "";
  const line1 = street ? text("line1", FIELD_MAX.line, "Address line 1", "Enter the street address.") : "";
  const line2 = street ? text("line2", FIELD_MAX.line, "Address line 2", null) : "";
  const city = street ? text("city", FIELD_MAX.city, format.cityLabel, `Enter the ${format.cityLabel.toLowerCase()}.`) : "";

  let state: string | null = null;
  const stateInput = clean(input.state).toUpperCase();
  if (format.region) {
    const region = format.region.regions.find((r) => r.code === stateInput);
    if (region) state = region.code;
    else if (stateInput !== "" || !partial) errors.state = `Choose a ${format.region.label.toLowerCase()}.`;
  }

  let postal: string | null = null;
  const postalInput = clean(input.postal_code);
  if (postalInput.length > FIELD_MAX.postal) errors.postal_code = `The postal code can have up to ${FIELD_MAX.postal} characters.`;
  else if (format.postal) {
    if (postalInput === "") {
      if (!partial)
        errors.postal_code = `Enter the ${format.postal.label === "ZIP code" || format.postal.label === "Eircode" ? format.postal.label : format.postal.label.toLowerCase()}.`;
    } else if (format.postal.pattern.test(upper(postalInput))) postal = format.postal.normalize(postalInput);
    else errors.postal_code = format.postal.hint;
  } else if (postalInput !== "") postal = postalInput;

  const filled =
    (!street || (name !== "" && line1 !== "" && city !== "")) && (!format.region || state !== null) && (!format.postal || postal !== null);
  const details =
    okCountry && filled && Object.keys(errors).length === 0
      ? { name, address: { line1: line1 || null, line2: line2 || null, city: city || null, state, postal_code: postal, country } }
      : null;
  return { details, errors, country: okCountry ? country : null, state };
}
