// SPDX-License-Identifier: GPL-2.0
/* The text/JSON emitter (emit.h). */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"

void em_init(struct emitter *e, FILE *out, bool json)
{
	long ps = sysconf(_SC_PAGESIZE);

	memset(e, 0, sizeof(*e));
	e->out = out;
	e->json = json;
	e->key_width = 26;
	e->page_size = ps > 0 ? (unsigned long)ps : 4096;
}

/*
 * The length of the valid UTF-8 sequence at @s (1-4), or 0 when it is not
 * one: an invalid lead byte, a missing continuation, an overlong form, a
 * surrogate or a code point above U+10FFFF.
 */
static int utf8_len(const unsigned char *s)
{
	unsigned int cp;
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Names and messages come from others (cgroup names, comm, a policy's exit
 * message): control bytes are escaped and bytes that are not UTF-8 become
 * U+FFFD, so that the output is valid JSON and no value spans lines.
 */
void em_json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	fputc('"', out);
	while (*s) {
		switch (*s) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(out, "\\u%04x", *s);
			} else {
				n = utf8_len(s);
				if (!n) {
					fputs("\\ufffd", out);
				} else {
					fwrite(s, 1, n, out);
					s += n;
					continue;
				}
			}
		}
		s++;
	}
	fputc('"', out);
}

/* A text value must be quoted: empty, or with bytes that would break a line or a row */
static bool text_needs_quotes(const char *val, bool row)
{
	const unsigned char *s = (const unsigned char *)val;

	if (!*s)
		return true;
	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f || (*s >= 0x80 && !utf8_len(s)))
			return true;
		if (row && (*s == ' ' || *s == '"' || *s == '='))
			return true;
	}
	return false;
}

const char *em_human_bytes(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", bytes);
		return buf;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

const char *em_human_seconds(unsigned long long s, char *buf, size_t len)
{
	if (s == 0)
		snprintf(buf, len, "0");
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lluh", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, len, "%llum", s / 60);
	else
		snprintf(buf, len, "%llus", s);
	return buf;
}

/* JSON: the comma and key before a value at the current depth */
static void json_key(struct emitter *e, const char *key)
{
	/* Top-level values are documents of their own (JSON lines) */
	if (e->started[e->depth] && e->depth > 0)
		fputc(',', e->out);
	e->started[e->depth] = true;
	if (key && !e->list[e->depth]) {
		em_json_string(e->out, key);
		fputc(':', e->out);
	}
}

/* text: indentation and the key column of a value line */
static void text_key(struct emitter *e, const char *key)
{
	int indent = 2 * (e->depth > 0 ? e->depth - 1 : 0);

	if (e->row[e->depth]) {
		if (e->started[e->depth])
			fputc(' ', e->out);
		e->started[e->depth] = true;
		if (key)
			fprintf(e->out, "%s=", key);
		return;
	}
	if (e->item_start && indent >= 2) {
		fprintf(e->out, "%*s- ", indent - 2, "");
		e->item_start = false;
	} else {
		fprintf(e->out, "%*s", indent, "");
	}
	if (key && !e->list[e->depth])
		fprintf(e->out, "%-*s ", e->key_width - indent > 8 ? e->key_width - indent : 8, key);
}

/* text: what ends a value: a newline, or nothing in a row */
static void text_end(struct emitter *e)
{
	if (!e->row[e->depth])
		fputc('\n', e->out);
}

static void open_level(struct emitter *e, const char *key, bool list, bool row)
{
	if (e->json) {
		json_key(e, key);
		fputc(list ? '[' : '{', e->out);
	} else if (e->row[e->depth]) {
		/* nested in a row: stays on the line */
		text_key(e, key);
	} else if (key && !e->list[e->depth] && !row) {
		text_key(e, NULL);
		fprintf(e->out, "%s:\n", key);
	} else if (e->depth > 0 && e->list[e->depth] && !row) {
		/* an object in a list: its first line carries the item mark */
		e->item_start = true;
	}
	if (e->depth < EM_MAX_DEPTH - 1)
		e->depth++;
	e->started[e->depth] = false;
	e->list[e->depth] = list;
	e->row[e->depth] = row || e->row[e->depth - 1];
}

static void close_level(struct emitter *e, bool list)
{
	bool row = e->row[e->depth];

	if (e->json)
		fputc(list ? ']' : '}', e->out);
	if (e->depth > 0)
		e->depth--;
	e->item_start = false;
	if (e->json && e->depth == 0)
		fputc('\n', e->out);
	else if (!e->json && row && !e->row[e->depth])
		fputc('\n', e->out);
}

void em_obj(struct emitter *e, const char *key)
{
	open_level(e, key, false, false);
}

void em_row(struct emitter *e, const char *key)
{
	open_level(e, key, false, true);
}

void em_obj_end(struct emitter *e)
{
	close_level(e, false);
}

void em_list(struct emitter *e, const char *key)
{
	open_level(e, key, true, false);
}

void em_list_end(struct emitter *e)
{
	close_level(e, true);
}

void em_str(struct emitter *e, const char *key, const char *val)
{
	if (e->json) {
		json_key(e, key);
		em_json_string(e->out, val);
		return;
	}
	text_key(e, key);
	/* Quoted (escaped) when it would not stay one clean line, or one token in a row */
	if (text_needs_quotes(val, e->row[e->depth]))
		em_json_string(e->out, val);
	else
		fputs(val, e->out);
	text_end(e);
}

void em_u64(struct emitter *e, const char *key, unsigned long long val, enum em_unit unit)
{
	char buf[64];

	if (e->json) {
		json_key(e, key);
		fprintf(e->out, "%llu", val);
		return;
	}
	text_key(e, key);
	/* In a row, a number stays one token */
	if (e->row[e->depth] && unit != EM_SECONDS)
		unit = EM_PLAIN;
	switch (unit) {
	case EM_BYTES:
		fputs(em_human_bytes(val, buf, sizeof(buf)), e->out);
		break;
	case EM_PAGES:
		fprintf(e->out, "%llu (%s)", val,
			em_human_bytes(val * e->page_size, buf, sizeof(buf)));
		break;
	case EM_SECONDS:
		fputs(em_human_seconds(val, buf, sizeof(buf)), e->out);
		break;
	default:
		fprintf(e->out, "%llu", val);
	}
	text_end(e);
}

void em_s64(struct emitter *e, const char *key, long long val)
{
	if (e->json) {
		json_key(e, key);
		fprintf(e->out, "%lld", val);
		return;
	}
	text_key(e, key);
	fprintf(e->out, "%lld", val);
	text_end(e);
}

void em_bool(struct emitter *e, const char *key, bool val)
{
	if (e->json) {
		json_key(e, key);
		fputs(val ? "true" : "false", e->out);
		return;
	}
	text_key(e, key);
	fputs(val ? "yes" : "no", e->out);
	text_end(e);
}

void em_none(struct emitter *e, const char *key, const char *word)
{
	if (e->json) {
		json_key(e, key);
		fputs("null", e->out);
		return;
	}
	text_key(e, key);
	fputs(word, e->out);
	text_end(e);
}

void em_null(struct emitter *e, const char *key)
{
	em_none(e, key, "-");
}
