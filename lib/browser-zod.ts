import { z } from "zod";

// zod for schemas shared with client components. In the browser, zod must not
// probe whether eval works (it compiles object parsers with `new Function`
// when it can): under our CSP (no 'unsafe-eval') the probe is blocked and the
// browser reports a violation even though zod catches it. Set before any
// schema is built, since zod decides per schema when it is made.
if (typeof window !== "undefined") z.config({ jitless: true });

export { z };
