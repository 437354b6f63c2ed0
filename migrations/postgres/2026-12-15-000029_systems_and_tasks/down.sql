DROP TABLE used_signatures;
DROP TABLE tasks;
DROP TABLE systems;
