/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One emitter for vswapctl's output. Commands describe what they print
 * once, as nested objects, lists and typed values; the emitter writes it
 * as JSON (-j: numbers as numbers, booleans as booleans, an absent value
 * as null) or as aligned "key  value" text, nested objects indented under
 * a heading. A command never tests which of the two it is writing.
 */
#ifndef VSWAPCTL_EMIT_H
#define VSWAPCTL_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#define EM_MAX_DEPTH	16

/* How a number reads in text (JSON always has the plain number) */
enum em_unit {
	EM_PLAIN,	/* 1234 */
	EM_BYTES,	/* 12.0 MiB */
	EM_PAGES,	/* 1234 (4.8 MiB) with the page size */
	EM_SECONDS,	/* 30s, 5m, 2h */
};

struct emitter {
	FILE *out;
	bool json;
	int depth;
	/* JSON: a value was written at this depth (a comma goes before the next) */
	bool started[EM_MAX_DEPTH];
	/* text: this level is a list (its objects are items, marked "-") */
	bool list[EM_MAX_DEPTH];
	/* text: this level is a row, all its values on one line */
	bool row[EM_MAX_DEPTH];
	/* text: the next key opens a list item */
	bool item_start;
	int key_width;		/* text: the key column's width */
	unsigned long page_size;
};

void em_init(struct emitter *e, FILE *out, bool json);
/* Open an object under @key (NULL: the top level, or a list item). */
void em_obj(struct emitter *e, const char *key);
void em_obj_end(struct emitter *e);
/*
 * Open an object written on one line in text ("key=value key=value"), as
 * an event of a stream; in JSON an object like any other (one per line at
 * the top level: JSON lines).
 */
void em_row(struct emitter *e, const char *key);
/* Open a list under @key; its members are objects or plain values. */
void em_list(struct emitter *e, const char *key);
void em_list_end(struct emitter *e);

void em_str(struct emitter *e, const char *key, const char *val);
void em_u64(struct emitter *e, const char *key, unsigned long long val, enum em_unit unit);
void em_s64(struct emitter *e, const char *key, long long val);
void em_bool(struct emitter *e, const char *key, bool val);
/* A value that is not there (JSON null, text "-") */
void em_null(struct emitter *e, const char *key);
/* A value with no number: JSON null, @word in text ("max", "any") */
void em_none(struct emitter *e, const char *key, const char *word);

/* Format @bytes for people: "512 B", "12.0 KiB", "3.5 GiB". */
const char *em_human_bytes(unsigned long long bytes, char *buf, size_t len);
/* Format seconds as the shortest exact of "0", "45s", "5m", "2h". */
const char *em_human_seconds(unsigned long long s, char *buf, size_t len);
/* Write @s as a quoted, escaped JSON string. */
void em_json_string(FILE *out, const char *s);

#endif
