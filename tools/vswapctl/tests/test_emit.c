// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of vswapctl's emitter (TAP output): the same
 * description written as JSON (checked byte for byte, and by Python's
 * json module) and as text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

#include "tap.h"


static void check_str(const char *got, const char *want, const char *what)
{
	check(!strcmp(got, want), what);
	if (strcmp(got, want))
		printf("# want:\n%s# got:\n%s", want, got);
}

/* One description, as a command would emit it */
static void describe(struct emitter *e)
{
	em_obj(e, NULL);
	em_str(e, "name", "a\"b\\c\n");
	em_u64(e, "bytes", 12582912, EM_BYTES);
	em_u64(e, "pages", 256, EM_PAGES);
	em_u64(e, "after", 300, EM_SECONDS);
	em_s64(e, "prio", -2);
	em_bool(e, "enabled", true);
	em_null(e, "policy");
	em_list(e, "devices");
	em_obj(e, NULL);
	em_str(e, "path", "/dev/vda");
	em_u64(e, "used", 0, EM_PLAIN);
	em_obj_end(e);
	em_obj(e, NULL);
	em_str(e, "path", "/dev/vdb");
	em_u64(e, "used", 7, EM_PLAIN);
	em_obj_end(e);
	em_list_end(e);
	em_obj(e, "nested");
	em_u64(e, "x", 1, EM_PLAIN);
	em_obj_end(e);
	em_obj_end(e);
}

static char *render(bool json, void (*fn)(struct emitter *))
{
	struct emitter e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	em_init(&e, f, json);
	e.page_size = 4096;
	fn(&e);
	fclose(f);
	return buf;
}

static void rows(struct emitter *e)
{
	em_row(e, NULL);
	em_str(e, "event", "store");
	em_u64(e, "offset", 4096, EM_BYTES);
	em_str(e, "msg", "two words");
	em_str(e, "empty", "");
	em_obj_end(e);
	em_row(e, NULL);
	em_str(e, "event", "load");
	em_obj_end(e);
}

static void test_json(void)
{
	char *got = render(true, describe);
	const char *want =
		"{\"name\":\"a\\\"b\\\\c\\n\",\"bytes\":12582912,\"pages\":256,\"after\":300,"
		"\"prio\":-2,\"enabled\":true,\"policy\":null,"
		"\"devices\":[{\"path\":\"/dev/vda\",\"used\":0},{\"path\":\"/dev/vdb\",\"used\":7}],"
		"\"nested\":{\"x\":1}}\n";
	FILE *py;

	check_str(got, want, "json: typed values, escaping, lists of objects, nesting");
	/* A real parser agrees */
	py = popen("python3 -c 'import json,sys; json.load(sys.stdin)'", "w");
	check(py != NULL, "json: python3 runs");
	if (py) {
		fputs(got, py);
		check(pclose(py) == 0, "json: python3's json module parses it");
	}
	free(got);

	got = render(true, rows);
	check_str(got, "{\"event\":\"store\",\"offset\":4096,\"msg\":\"two words\",\"empty\":\"\"}\n"
		  "{\"event\":\"load\"}\n", "json: rows are JSON lines");
	free(got);
}

static void test_text(void)
{
	char *got = render(false, describe);
	const char *want =
		"name                       \"a\\\"b\\\\c\\n\"\n"
		"bytes                      12.0 MiB\n"
		"pages                      256 (1.0 MiB)\n"
		"after                      5m\n"
		"prio                       -2\n"
		"enabled                    yes\n"
		"policy                     -\n"
		"devices:\n"
		"  - path                   /dev/vda\n"
		"    used                   0\n"
		"  - path                   /dev/vdb\n"
		"    used                   7\n"
		"nested:\n"
		"  x                        1\n";

	check_str(got, want, "text: aligned keys, units for people, list items, nesting");
	free(got);

	got = render(false, rows);
	check_str(got, "event=store offset=4096 msg=\"two words\" empty=\"\"\nevent=load\n",
		  "text: rows on one line, blanks quoted, numbers plain");
	free(got);
}

/* Strings from others: control bytes escaped, bytes that are not UTF-8 replaced */
static void hostile(struct emitter *e)
{
	em_row(e, NULL);
	em_str(e, "comm", "x\nevent=free");
	em_str(e, "utf8", "gr\xc3\xbc\xc3\x9f" "e");
	em_str(e, "bad", "a\xff\xc3" "b\xed\xa0\x80" "c\x7f");
	em_obj_end(e);
}

static void test_hostile(void)
{
	char *got = render(true, hostile);
	FILE *py;

	check_str(got, "{\"comm\":\"x\\nevent=free\",\"utf8\":\"gr\xc3\xbc\xc3\x9f" "e\","
		  "\"bad\":\"a\\ufffd\\ufffd" "b\\ufffd\\ufffd\\ufffd" "c\\u007f\"}\n",
		  "json: a newline escaped, UTF-8 kept, invalid bytes and surrogates replaced, DEL escaped");
	py = popen("python3 -c 'import json,sys; json.loads(sys.stdin.buffer.read().decode(\"utf-8\", \"strict\"))'", "w");
	if (py) {
		fputs(got, py);
		check(pclose(py) == 0, "json: hostile strings still make strict UTF-8 JSON");
	}
	free(got);
	got = render(false, hostile);
	check(!strchr(got, '\n') || strchr(got, '\n') == got + strlen(got) - 1,
	      "text: a row with hostile strings stays one line");
	check(strstr(got, "comm=\"x\\nevent=free\"") != NULL, "text: a value with a newline is quoted and escaped");
	free(got);
}

static void test_human(void)
{
	char buf[32];

	check(!strcmp(em_human_bytes(0, buf, sizeof(buf)), "0 B"), "human bytes: 0 B");
	check(!strcmp(em_human_bytes(1023, buf, sizeof(buf)), "1023 B"), "human bytes: 1023 B");
	check(!strcmp(em_human_bytes(1536, buf, sizeof(buf)), "1.5 KiB"), "human bytes: 1.5 KiB");
	check(!strcmp(em_human_bytes(3ULL << 30, buf, sizeof(buf)), "3.0 GiB"), "human bytes: 3.0 GiB");
	check(!strcmp(em_human_seconds(0, buf, sizeof(buf)), "0"), "human seconds: 0");
	check(!strcmp(em_human_seconds(45, buf, sizeof(buf)), "45s"), "human seconds: 45s");
	check(!strcmp(em_human_seconds(90, buf, sizeof(buf)), "90s"), "human seconds: 90s");
	check(!strcmp(em_human_seconds(7200, buf, sizeof(buf)), "2h"), "human seconds: 2h");
}

int main(void)
{
	printf("TAP version 13\n");
	test_json();
	test_text();
	test_hostile();
	test_human();
	return tap_done();
}
