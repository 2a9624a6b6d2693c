-- a; comment
SELECT /* ; */ `col;umn` FROM t;
INSERT INTO t VALUES ('it''s', "q;");