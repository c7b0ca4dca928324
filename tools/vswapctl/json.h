/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal streaming JSON writer for vswapctl's --json output. */
#ifndef VSWAPCTL_JSON_H
#define VSWAPCTL_JSON_H

#include <stdbool.h>
#include <stdio.h>

struct json {
	FILE *out;
	int depth;
	bool need_comma[32];
};

void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_int(struct json *j, const char *key, long long val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* Write @s as a quoted, escaped JSON string. */
void json_write_string(FILE *out, const char *s);

#endif
