-- The stored columns keep the dates they were given; nothing to undo.
SELECT 1;
