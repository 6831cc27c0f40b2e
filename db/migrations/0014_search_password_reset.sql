-- Search that forgives (issue #20): accents folded (unaccent), words in any order, typos
-- corrected from a vocabulary of the catalog's words. search_fold must exist before the
-- generated column that calls it; IMMUTABLE (with the dictionary named) so it may be indexed.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE FUNCTION search_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1));
--> statement-breakpoint
CREATE TABLE "password_resets" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_words" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
DROP INDEX "books_title_trgm_idx";--> statement-breakpoint
DROP INDEX "books_author_trgm_idx";--> statement-breakpoint
ALTER TABLE "books" ADD COLUMN "search_text" text GENERATED ALWAYS AS (search_fold(title || ' ' || author)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "password_resets_user_idx" ON "password_resets" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "search_words_word_trgm_idx" ON "search_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "books_search_text_trgm_idx" ON "books" USING gin ("search_text" gin_trgm_ops);
--> statement-breakpoint
-- The vocabulary for "Did you mean …": words of three or more letters of every title and
-- author, kept by triggers on books (as genre_counts is). Sorted, so two bulk inserts take
-- the word rows' locks in the same order.
CREATE FUNCTION search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
    SELECT DISTINCT w FROM new_books, regexp_split_to_table(new_books.search_text, '[^[:alnum:]]+') AS w
    WHERE length(w) >= 3 ORDER BY w
  ON CONFLICT (word) DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION search_words_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
    SELECT DISTINCT w FROM regexp_split_to_table(NEW.search_text, '[^[:alnum:]]+') AS w
    WHERE length(w) >= 3 ORDER BY w
  ON CONFLICT (word) DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER books_search_words_insert AFTER INSERT ON books
  REFERENCING NEW TABLE AS new_books FOR EACH STATEMENT EXECUTE FUNCTION search_words_add();
--> statement-breakpoint
-- Row-level with a WHEN: the stock updates every order makes never call it.
CREATE TRIGGER books_search_words_update AFTER UPDATE OF title, author ON books
  FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.author IS DISTINCT FROM NEW.author)
  EXECUTE FUNCTION search_words_rename();
--> statement-breakpoint
INSERT INTO search_words (word)
  SELECT DISTINCT w FROM books, regexp_split_to_table(books.search_text, '[^[:alnum:]]+') AS w
  WHERE length(w) >= 3 ORDER BY w
  ON CONFLICT (word) DO NOTHING;
