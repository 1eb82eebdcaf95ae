"use client";

// The root layout itself failed, so no message catalog is available here: this is the one
// place with a literal, kept minimal.
export default function GlobalError({ reset }: { error: Error; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main style={{ margin: "6rem auto", maxWidth: 480, fontFamily: "sans-serif" }}>
          <h1>Something went wrong</h1> {/* i18n-ignore: no catalog when the root layout failed */}
          <button onClick={reset}>Try again</button> {/* i18n-ignore: no catalog when the root layout failed */}
        </main>
      </body>
    </html>
  );
}
