import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { seedBooks } from "@/db/seed-data";
import { ensureSeeded } from "@/test/seeded";
import { getBook } from "./get-book";
import { likePattern, listBooks, listCatalogPage, listGenres, queryWords, SEARCH_COUNT_CAP } from "./list-books";
import { bookQuerySchema } from "./types";

const query = (input: Record<string, string>) => bookQuerySchema.parse(input);

beforeAll(async () => {
  await ensureSeeded();
});

describe("listBooks", () => {
  it("pages through the whole catalog in a stable order without repeats", async () => {
    const seen = new Set<number>();
    const first = await listBooks(query({ pageSize: "20" }));
    expect(first.total).toBeGreaterThanOrEqual(seedBooks.length);
    const pages = Math.ceil(first.total / 20);
    for (let page = 1; page <= pages; page++) {
      const result = await listBooks(query({ page: String(page), pageSize: "20" }));
      for (const book of result.items) seen.add(book.id);
      const titles = result.items.map((b) => b.title);
      expect([...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(titles);
    }
    expect(seen.size).toBe(first.total);
  });

  it("matches title or author case-insensitively", async () => {
    const byTitle = await listBooks(query({ q: "PRIDE AND" }));
    expect(byTitle.items.map((b) => b.title)).toContain("Pride and Prejudice");
    const byAuthor = await listBooks(query({ q: "austen" }));
    expect(byAuthor.total).toBeGreaterThan(0);
    expect(byAuthor.items.every((b) => b.author.toLowerCase().includes("austen") || b.title.toLowerCase().includes("austen"))).toBe(true);
  });

  it("treats LIKE wildcards in the query literally", async () => {
    expect(likePattern("50%_off")).toBe("%50\\%\\_off%");
    const result = await listBooks(query({ q: "%" }));
    expect(result.total).toBe(0);
  });

  it("filters by genre and combines with search", async () => {
    const poetry = await listBooks(query({ genre: "Poetry", pageSize: "100" }));
    const expected = seedBooks.filter((b) => b.genre === "Poetry").length;
    expect(poetry.total).toBe(expected);
    expect(poetry.items.every((b) => b.genre === "Poetry")).toBe(true);
    const none = await listBooks(query({ genre: "Poetry", q: "pride and prejudice" }));
    expect(none.total).toBe(0);
  });

  it("returns an empty page past the end with the right total", async () => {
    const result = await listBooks(query({ page: "999", pageSize: "50" }));
    expect(result.items).toEqual([]);
    expect(result.total).toBeGreaterThan(0);
  });

  it("shows availability from the stock counters", async () => {
    const soldOut = seedBooks.find((b) => b.stock === 0)!;
    const result = await listBooks(query({ q: soldOut.title }));
    expect(result.items.find((b) => b.title === soldOut.title)?.available).toBe(0);
  });
});

describe("search paths agree with a plain scan", () => {
  // Whatever plan the database picks (the title index for short or common words,
  // the trigram index for rare ones), the pages must equal this scan.
  async function expected(q: string, genre = "") {
    const { db } = await ensureSeeded();
    const pattern = likePattern(q);
    return db.execute<{ id: number }>(sql`
      select id from books where search_fold(title || ' ' || author) like search_fold(${pattern})
        and (${genre} = '' or genre = ${genre}) order by title, id`);
  }

  it.each([["the"], ["an"], ["e"], ["ERT"], ["austen"], ["zzzz"]])("q=%s: the same books, pages and total", async (q) => {
    const all = (await expected(q)).map((r) => r.id);
    const pageSize = 7;
    const seen: number[] = [];
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    for (let page = 1; page <= pages + 1; page++) {
      const result = await listBooks(query({ q, page: String(page), pageSize: String(pageSize) }));
      expect(result.total).toBe(all.length);
      seen.push(...result.items.map((b) => b.id));
    }
    expect(seen).toEqual(all);
  });

  it("a search with a genre, and the full Book shape", async () => {
    const ids = (await expected("the", "Fantasy")).map((r) => r.id);
    const result = await listBooks(query({ q: "the", genre: "Fantasy", pageSize: "100" }));
    expect(result.items.map((b) => b.id)).toEqual(ids);
    const plain = await listBooks(query({ q: "th", genre: "Fantasy", pageSize: "100" }));
    const same = plain.items.find((b) => b.id === result.items[0]?.id);
    expect(result.items[0]).toEqual(same);
    expect(Object.keys(result.items[0] ?? {}).sort()).toEqual([
      "author",
      "available",
      "currency",
      "description",
      "genre",
      "id",
      "priceCents",
      "title",
    ]);
  });
});

describe("search forgives (issue #20)", () => {
  const titles = async (q: string) => (await listBooks(query({ q, pageSize: "100" }))).items.map((b) => `${b.title} / ${b.author}`);

  it.each([
    ["bronte", ["Jane Eyre / Charlotte Brontë", "Wuthering Heights / Emily Brontë"]],
    ["BRONTË", ["Jane Eyre / Charlotte Brontë", "Wuthering Heights / Emily Brontë"]],
    ["miserables", ["Les Misérables / Victor Hugo"]],
    ["pride prejudice", ["Pride and Prejudice / Jane Austen"]],
    ["prejudice pride", ["Pride and Prejudice / Jane Austen"]],
    ["kant reason", ["Critique of Pure Reason / Immanuel Kant"]],
    ["reason, Kant!", ["Critique of Pure Reason / Immanuel Kant"]],
  ])("%s finds its books without a suggestion", async (q, books) => {
    const result = await listBooks(query({ q, pageSize: "100" }));
    expect(result.suggestion).toBeNull();
    expect(result.totalCapped).toBe(false);
    expect(result.items.map((b) => `${b.title} / ${b.author}`)).toEqual(expect.arrayContaining(books));
    // Every word is in each result's title or author: nothing else sneaks in.
    for (const book of result.items) {
      const text = `${book.title} ${book.author}`.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
      for (const word of queryWords(q)) expect(text).toContain(word.normalize("NFD").replace(/\p{M}/gu, ""));
    }
  });

  it('"austin" (a typo) finds Jane Austen\'s books and says "Did you mean austen"', async () => {
    const result = await listBooks(query({ q: "austin" }));
    expect(result.suggestion).toBe("austen");
    expect(result.items.map((b) => b.title)).toEqual(
      expect.arrayContaining(["Pride and Prejudice", "Sense and Sensibility", "Persuasion"]),
    );
    expect(result.items.every((b) => b.author === "Jane Austen" || b.title.toLowerCase().includes("austen"))).toBe(true);
    expect(result.total).toBe(result.items.length);
  });

  it("corrects only the misspelt word of several, and keeps the genre", async () => {
    const result = await listBooks(query({ q: "prejudise pride" }));
    expect(result.suggestion).toBe("prejudice pride");
    expect(result.items.map((b) => b.title)).toContain("Pride and Prejudice");
    const otherGenre = await listBooks(query({ q: "austin", genre: "Poetry" }));
    expect(otherGenre).toMatchObject({ total: 0, items: [], suggestion: null });
  });

  it("no suggestion when nothing is close", async () => {
    expect(await listBooks(query({ q: "zzqxj" }))).toMatchObject({ total: 0, items: [], suggestion: null, totalCapped: false });
    await expect(titles("qqqq wwww")).resolves.toEqual([]);
  });

  it("counts at most SEARCH_COUNT_CAP matches and says so", async () => {
    const { db } = await ensureSeeded();
    const marker = `capword${Date.now()}`;
    const inserted = await db.execute<{ id: number }>(sql`
      insert into books (title, author, genre, description, price_cents)
      select 'Capped ' || ${marker} || ' ' || n, 'Someone', 'Capped test', 'x', 500
      from generate_series(1, ${SEARCH_COUNT_CAP + 5}) n returning id`);
    try {
      const first = await listBooks(query({ q: marker, pageSize: "100" }));
      expect(first).toMatchObject({ total: SEARCH_COUNT_CAP, totalCapped: true, suggestion: null });
      expect(first.items).toHaveLength(100);
      const exactly = await listBooks(query({ q: `${marker} 1000` }));
      expect(exactly).toMatchObject({ totalCapped: false });
      // The genre page of the same books is counted exactly (genre_counts).
      expect((await listBooks(query({ genre: "Capped test" }))).total).toBe(SEARCH_COUNT_CAP + 5);
    } finally {
      const ids = `{${inserted.map((r) => r.id).join(",")}}`;
      await db.execute(sql`delete from books where id = any(${ids}::int[])`);
    }
  });

  it("splits a search into words: letters and digits, lower case, no repeats, at most 8", () => {
    expect(queryWords("  Moby-Dick, moby  ")).toEqual(["moby", "dick"]);
    expect(queryWords("Bronte\u0308")).toEqual(["brontë"]);
    expect(queryWords("%_\\")).toEqual([]);
    expect(queryWords("a b c d e f g h i j")).toHaveLength(8);
  });

  it("new and renamed books add their words to the vocabulary", async () => {
    const { db } = await ensureSeeded();
    const word = `zephyrine${Date.now() % 100000}`;
    const [book] = await db.execute<{ id: number }>(sql`
      insert into books (title, author, genre, description, price_cents) values ('Plain title', 'Someone', 'Poetry', 'x', 500) returning id`);
    try {
      await db.execute(sql`update books set title = ${`The Ébène ${word}`} where id = ${book!.id}`);
      const rows = await db.execute<{ word: string }>(sql`select word from search_words where word in (${word}, 'ebene')`);
      expect(rows.map((r) => r.word).sort()).toEqual(["ebene", word]);
      const typo = `${word.slice(0, 4)}x${word.slice(5)}`;
      const result = await listBooks(query({ q: typo }));
      expect(result.suggestion).toBe(word);
      expect(result.items.map((b) => b.id)).toEqual([book!.id]);
    } finally {
      await db.execute(sql`delete from books where id = ${book!.id}`);
    }
  });
});

describe("genre_counts (kept by triggers)", () => {
  async function countsMatch() {
    const { db } = await ensureSeeded();
    const rows = await db.execute<{ genre: string; kept: number | null; real: number | null }>(sql`
      select coalesce(g.genre, b.genre) as genre, g.books as kept, b.n as real
      from (select genre, books from genre_counts where books > 0) g
      full join (select genre, count(*)::int as n from books group by genre) b on b.genre = g.genre
      where g.books is distinct from b.n`);
    return rows;
  }

  it("follow bulk inserts, genre changes and deletes", async () => {
    const { db } = await ensureSeeded();
    const genre = `Test genre ${Date.now()}`;
    expect(await countsMatch()).toEqual([]);
    const inserted = await db.execute<{ id: number }>(sql`
      insert into books (title, author, genre, description, price_cents)
      select 'Counted ' || n, 'Someone', case when n % 2 = 0 then ${genre} else 'Poetry' end, 'x', 500
      from generate_series(1, 10) n returning id`);
    expect(await countsMatch()).toEqual([]);
    expect((await listBooks(query({ genre }))).total).toBe(5);
    expect((await listGenres()).find((g) => g.genre === genre)?.count).toBe(5);
    const ids = `{${inserted.map((r) => r.id).join(",")}}`;
    await db.execute(sql`update books set genre = ${genre} where id = any(${ids}::int[]) and genre = 'Poetry'`);
    await db.execute(sql`update books set price_cents = 600 where id = any(${ids}::int[])`);
    expect(await countsMatch()).toEqual([]);
    expect((await listBooks(query({ genre }))).total).toBe(10);
    await db.execute(sql`delete from books where id = any(${ids}::int[])`);
    expect(await countsMatch()).toEqual([]);
    expect((await listGenres()).find((g) => g.genre === genre)).toBeUndefined();
    expect((await listBooks(query({ genre }))).total).toBe(0);
  });
});

describe("listCatalogPage: the genre filter follows the search", () => {
  const facets = async (input: Record<string, string>) => (await listCatalogPage(query(input))).facets;

  it("with no search: every genre of the catalog with its number of books", async () => {
    const page = await listCatalogPage(query({}));
    expect(page.facets.capped).toBe(false);
    expect(page.facets.genres).toEqual(await listGenres());
    expect(page.facets.total).toBe(page.facets.genres.reduce((sum, g) => sum + (g.count ?? 0), 0));
    // The books are listBooks' own.
    const { facets: _facets, ...books } = page;
    expect(books).toEqual(await listBooks(query({})));
  });

  it("for a search: the genres of the books it finds, whatever genre is chosen (any order, accents ignored)", async () => {
    const { db } = await ensureSeeded();
    const word = `facetword${Date.now()}`;
    const inserted = await db.execute<{ id: number }>(sql`
      insert into books (title, author, genre, description, price_cents)
      select 'Été ' || ${word} || ' ' || n, 'Someone', case when n <= 3 then 'Mystery' else 'Poetry' end, 'x', 500
      from generate_series(1, 5) n returning id`);
    try {
      const expected = {
        genres: [
          { genre: "Mystery", count: 3 },
          { genre: "Poetry", count: 2 },
        ],
        total: 5,
        capped: false,
      };
      expect(await facets({ q: `${word.toUpperCase()} ete` })).toEqual(expected);
      const poetry = await listCatalogPage(query({ q: `ete ${word}`, genre: "Poetry" }));
      expect(poetry.total).toBe(2);
      expect(poetry.facets).toEqual(expected);
      // A genre without these books: none shown, the counts still say where they are.
      const romance = await listCatalogPage(query({ q: word, genre: "Romance" }));
      expect(romance.total).toBe(0);
      expect(romance.facets).toEqual(expected);
      expect(await facets({ q: `${word} nosuchword` })).toEqual({ genres: [], total: 0, capped: false });
      expect(await facets({ q: "%" })).toEqual({ genres: [], total: 0, capped: false });
    } finally {
      const ids = `{${inserted.map((r) => r.id).join(",")}}`;
      await db.execute(sql`delete from books where id = any(${ids}::int[])`);
    }
  });

  it('after "Did you mean": the suggestion\'s genres', async () => {
    const page = await listCatalogPage(query({ q: "austin" }));
    expect(page.suggestion).toBe("austen");
    const byGenre = new Map<string, number>();
    for (const book of (await listBooks(query({ q: "austen", pageSize: "100" }))).items)
      byGenre.set(book.genre, (byGenre.get(book.genre) ?? 0) + 1);
    expect(page.facets.genres).toEqual([...byGenre].sort(([a], [b]) => (a < b ? -1 : 1)).map(([genre, count]) => ({ genre, count })));
  });

  it("counts on the search's capped scan: beyond SEARCH_COUNT_CAP matches every genre is offered, without a number", async () => {
    const { db } = await ensureSeeded();
    const marker = `facetcap${Date.now()}`;
    const add = (from: number, to: number) =>
      db.execute<{ id: number }>(sql`
        insert into books (title, author, genre, description, price_cents)
        select 'Capped ' || ${marker} || ' ' || n, 'Someone', case when n <= 600 then 'Facet A' else 'Facet B' end, 'x', 500
        from generate_series(${from}::int, ${to}::int) n returning id`);
    const ids: number[] = [];
    try {
      // Exactly SEARCH_COUNT_CAP matches are still counted, with or without a genre chosen.
      ids.push(...(await add(1, SEARCH_COUNT_CAP)).map((r) => r.id));
      const exact = {
        genres: [
          { genre: "Facet A", count: 600 },
          { genre: "Facet B", count: SEARCH_COUNT_CAP - 600 },
        ],
        total: SEARCH_COUNT_CAP,
        capped: false,
      };
      expect(await facets({ q: marker })).toEqual(exact);
      expect(await facets({ q: marker, genre: "Facet B" })).toEqual(exact);
      ids.push(...(await add(SEARCH_COUNT_CAP + 1, SEARCH_COUNT_CAP + 5)).map((r) => r.id));
      for (const genre of ["", "Facet B"]) {
        const capped = await facets({ q: marker, genre });
        expect(capped.capped).toBe(true);
        expect(capped.total).toBe(SEARCH_COUNT_CAP);
        expect(capped.genres.map((g) => g.genre)).toEqual((await listGenres()).map((g) => g.genre));
        expect(capped.genres.every((g) => g.count === null)).toBe(true);
      }
    } finally {
      await db.execute(sql`delete from books where id = any(${`{${ids.join(",")}}`}::int[])`);
    }
  });
});

describe("listGenres and getBook", () => {
  it("lists every genre with its count", async () => {
    const genres = await listGenres();
    const total = genres.reduce((sum, g) => sum + g.count, 0);
    const { db } = await ensureSeeded();
    const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from books`);
    expect(total).toBe(row?.n);
    expect(genres.map((g) => g.genre)).toContain("Mystery");
  });

  it("finds a book by id and reports a missing one as not_found", async () => {
    const [first] = (await listBooks(query({ pageSize: "1" }))).items;
    const book = await getBook(first!.id);
    expect(book.title).toBe(first!.title);
    await expect(getBook(999_999_999)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("bookQuerySchema", () => {
  it.each([
    [{ page: "-1" }],
    [{ page: "0" }],
    [{ page: "1.5" }],
    [{ page: "abc" }],
    [{ pageSize: "0" }],
    [{ pageSize: "101" }],
    [{ pageSize: "10000" }],
    [{ q: "x".repeat(101) }],
  ])("rejects %j", (input) => {
    expect(bookQuerySchema.safeParse(input).success).toBe(false);
  });

  it("applies defaults", () => {
    expect(bookQuerySchema.parse({})).toEqual({ q: "", genre: "", page: 1, pageSize: 24 });
  });
});
