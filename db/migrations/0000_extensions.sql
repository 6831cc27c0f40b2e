-- Trigram indexes make title/author substring search fast on large catalogs.
create extension if not exists pg_trgm;
