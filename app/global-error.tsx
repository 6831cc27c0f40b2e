"use client";

// When even the root layout fails: a page of its own, in the store's colours, with no data.
export default function GlobalError({ reset }: { error: unknown; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ margin: 0, background: "#f8f3e9", color: "#2b2520", fontFamily: "system-ui, sans-serif" }}>
        <main style={{ maxWidth: "36rem", margin: "0 auto", padding: "4rem 1rem", textAlign: "center" }}>
          <h1 style={{ fontSize: "1.875rem" }}>Paperleaf Books is having a moment</h1>
          <p style={{ color: "#5a4f45" }}>Something went wrong on our side. Please try again shortly.</p>
          <button
            type="button"
            onClick={() => reset()}
            style={{
              marginTop: "1.5rem",
              padding: "0.625rem 1.25rem",
              background: "#1d5c58",
              color: "#fff",
              border: 0,
              borderRadius: "0.375rem",
              fontWeight: 600,
              cursor: "pointer",
            }}
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
