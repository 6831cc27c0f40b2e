CREATE TABLE "genre_counts" (
	"genre" text PRIMARY KEY NOT NULL,
	"books" integer NOT NULL,
	CONSTRAINT "genre_counts_books_check" CHECK (books >= 0)
);
--> statement-breakpoint
CREATE FUNCTION genre_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Genres in order, so two bulk inserts lock the counter rows in the same order.
  INSERT INTO genre_counts (genre, books)
    SELECT genre, count(*) FROM new_books GROUP BY genre ORDER BY genre
  ON CONFLICT (genre) DO UPDATE SET books = genre_counts.books + excluded.books;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION genre_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE genre_counts g SET books = g.books - d.n
    FROM (SELECT genre, count(*) AS n FROM old_books GROUP BY genre) d
    WHERE g.genre = d.genre;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION genre_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE genre_counts SET books = books - 1 WHERE genre = OLD.genre;
  INSERT INTO genre_counts (genre, books) VALUES (NEW.genre, 1)
  ON CONFLICT (genre) DO UPDATE SET books = genre_counts.books + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER books_genre_counts_insert AFTER INSERT ON books
  REFERENCING NEW TABLE AS new_books FOR EACH STATEMENT EXECUTE FUNCTION genre_counts_add();
--> statement-breakpoint
CREATE TRIGGER books_genre_counts_delete AFTER DELETE ON books
  REFERENCING OLD TABLE AS old_books FOR EACH STATEMENT EXECUTE FUNCTION genre_counts_remove();
--> statement-breakpoint
-- Row-level with a WHEN: the stock updates every order makes never call it.
CREATE TRIGGER books_genre_counts_update AFTER UPDATE OF genre ON books
  FOR EACH ROW WHEN (OLD.genre IS DISTINCT FROM NEW.genre) EXECUTE FUNCTION genre_counts_move();
--> statement-breakpoint
-- TRUNCATE would bypass the delete trigger: it empties the counts too.
CREATE FUNCTION genre_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM genre_counts;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER books_genre_counts_truncate AFTER TRUNCATE ON books
  FOR EACH STATEMENT EXECUTE FUNCTION genre_counts_clear();
--> statement-breakpoint
INSERT INTO genre_counts (genre, books) SELECT genre, count(*) FROM books GROUP BY genre;
