import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteFooter } from "@/components/site-footer";
import { SiteHeader } from "@/components/site-header";
import { Toaster } from "@/components/toast/toaster";
import "./globals.css";

// Every page is rendered per request: its scripts carry that response's CSP nonce (proxy.ts),
// which a page prerendered at build time could not know.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Paperleaf Books", template: "%s · Paperleaf Books" },
  description: "Paperleaf Books is a small independent bookshop: browse the shelves, find your next read and have it delivered.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-dvh flex-col bg-paper font-sans text-ink antialiased">
        <a
          href="#main"
          className="sr-only rounded-md bg-accent px-4 py-2 font-semibold text-white focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50"
        >
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6 sm:py-10">
          {children}
        </main>
        <SiteFooter />
        <Toaster />
      </body>
    </html>
  );
}
