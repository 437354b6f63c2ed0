DROP INDEX tasks_open_idx;
