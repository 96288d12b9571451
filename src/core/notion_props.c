/*
 * notion_props.c - Notion property values from their text form, and the
 * rich-text splitter shared with the block builder (notion_payload.h
 * has the rules).
 */
#include "notion_payload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notion_int.h"
#include "payload_json.h"

/*
 * JSON text of one item besides its content: {"type":"text","text":
 * {"content":""}} and a comma is 39 bytes; 40 leaves a byte to spare.
 */
#define ITEM_OVERHEAD	40

/* Longest content of one item: 2000 units of 3-byte characters, "…". */
#define ITEM_BUF		(NOTION_TEXT_MAX_UNITS * 3 + 3)

static const char *const type_names[] = {
	[NP_TITLE] = "title",
	[NP_RICH_TEXT] = "rich_text",
	[NP_NUMBER] = "number",
	[NP_SELECT] = "select",
	[NP_MULTI_SELECT] = "multi_select",
	[NP_DATE] = "date",
	[NP_URL] = "url",
	[NP_CHECKBOX] = "checkbox",
};

#define N_TYPES ((int) (sizeof(type_names) / sizeof(type_names[0])))

bool
notion_prop_type_parse(const char *s, NotionPropType *out)
{
	if (s == NULL)
		return false;
	for (int i = 0; i < N_TYPES; i++)
		if (strcmp(s, type_names[i]) == 0)
		{
			if (out)
				*out = (NotionPropType) i;
			return true;
		}
	return false;
}

/* ------------------------------------------------------------------------
 * Rich text
 */

static bool
add_text_item(json_object *arr, const char *s, size_t len)
{
	json_object *item = json_object_new_object();
	json_object *text = json_object_new_object();

	if (item == NULL || text == NULL)
	{
		json_object_put(item);
		json_object_put(text);
		return false;
	}
	if (!pj_add(text, "content", json_object_new_string_len(s, (int) len)) ||
		!pj_add(item, "type", json_object_new_string("text")))
	{
		json_object_put(item);
		json_object_put(text);
		return false;
	}
	if (!pj_add(item, "text", text))
	{
		json_object_put(item);
		return false;
	}
	return pj_append(arr, item);
}

size_t
notion_rich_text_fill(json_object *arr, const char *text, size_t len, int max_items,
					  size_t max_bytes, bool ellipsis, bool *ok)
{
	const unsigned char *p = (const unsigned char *) text;
	char		cur[ITEM_BUF];
	size_t		cur_len = 0,
				cur_units = 0;
	int			committed = 0;
	size_t		used = ITEM_OVERHEAD;
	size_t		pos = 0;

	if (text == NULL || max_items < 1)
		return 0;
	/* Room for the "…" that may close the last item. */
	if (ellipsis)
		max_bytes = max_bytes > 3 ? max_bytes - 3 : 0;

	while (pos < len)
	{
		unsigned int cp;
		size_t		n = pj_utf8_seq(p + pos, len - pos, &cp);
		const char *bytes = text + pos;
		size_t		nbytes = n,
					in = n,
					units = (n == 4) ? 2 : 1,
					esc;

		if (n == 0)
		{
			/* not UTF-8: U+FFFD, one unit, in place of the byte */
			bytes = PJ_REPLACEMENT;
			nbytes = 3;
			in = 1;
			esc = 3;
		}
		else
			esc = pj_escaped_len(cp, n);

		if (cur_units + units > NOTION_TEXT_MAX_UNITS)
		{
			/* this item is full: start the next one, if allowed */
			if (committed + 1 >= max_items)
				break;
			if (!add_text_item(arr, cur, cur_len))
				*ok = false;
			committed++;
			cur_len = cur_units = 0;
			used += ITEM_OVERHEAD;
		}
		if (used + esc > max_bytes)
			break;
		memcpy(cur + cur_len, bytes, nbytes);
		cur_len += nbytes;
		cur_units += units;
		used += esc;
		pos += in;
	}

	if (pos < len && ellipsis)
	{
		/* drop whole characters until "…" fits in the last item */
		while (cur_units > NOTION_TEXT_MAX_UNITS - 1)
		{
			size_t		k = cur_len;

			do
				k--;
			while (k > 0 && (((unsigned char) cur[k]) & 0xC0) == 0x80);
			cur_units -= (cur_len - k == 4) ? 2 : 1;
			cur_len = k;
		}
		memcpy(cur + cur_len, PJ_ELLIPSIS, 3);
		cur_len += 3;
		cur_units++;
	}
	if (cur_len > 0 && !add_text_item(arr, cur, cur_len))
		*ok = false;
	return pos;
}

/* ------------------------------------------------------------------------
 * Scalar values
 */

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && is_space((unsigned char) **s))
	{
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_space((unsigned char) (*s)[*len - 1]))
		(*len)--;
}

/* Bytes of the longest prefix of s[0..len) of at most max_units units. */
static size_t
cut_units(const char *s, size_t len, size_t max_units)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		units = 0,
				i = 0;

	while (i < len)
	{
		unsigned int cp;
		size_t		n = pj_utf8_seq(p + i, len - i, &cp);
		size_t		u = (n == 4) ? 2 : 1;

		if (n == 0)
			n = 1;
		if (units + u > max_units)
			break;
		units += u;
		i += n;
	}
	return i;
}

/*
 * A select option name: commas -> spaces, trimmed, at most 100 units.
 * NULL when nothing is left (*ok cleared if that is an allocation failure).
 */
static json_object *
option_name(const char *s, size_t len, bool *ok)
{
	char	   *buf;
	const char *t;
	json_object *out;

	trim(&s, &len);
	if (len == 0)
		return NULL;
	if ((buf = malloc(len)) == NULL)
	{
		*ok = false;
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = s[i] == ',' ? ' ' : s[i];
	t = buf;
	len = cut_units(buf, len, NOTION_NAME_MAX_UNITS);
	trim(&t, &len);
	out = NULL;
	if (len > 0 && (out = pj_string_len(t, len)) == NULL)
		*ok = false;
	free(buf);
	return out;
}

static json_object *
select_value(const char *s, size_t len, bool *ok)
{
	json_object *name = option_name(s, len, ok);
	json_object *obj;

	if (name == NULL)
		return NULL;
	if ((obj = json_object_new_object()) == NULL || !pj_add(obj, "name", name))
	{
		json_object_put(obj);
		*ok = false;
		return NULL;
	}
	return obj;
}

static json_object *
multi_select_value(const char *s, bool *ok)
{
	json_object *arr = json_object_new_array();

	if (arr == NULL)
	{
		*ok = false;
		return NULL;
	}
	while (s != NULL && *s && json_object_array_length(arr) < NOTION_MAX_OPTIONS)
	{
		const char *comma = strchr(s, ',');
		size_t		len = comma ? (size_t) (comma - s) : strlen(s);
		json_object *opt = select_value(s, len, ok);

		if (opt != NULL)
		{
			const char *name = json_object_get_string(json_object_object_get(opt, "name"));
			bool		seen = false;

			for (size_t i = 0; i < json_object_array_length(arr) && !seen; i++)
			{
				json_object *o = json_object_array_get_idx(arr, i);

				seen = strcmp(json_object_get_string(json_object_object_get(o, "name")), name) == 0;
			}
			if (seen)
				json_object_put(opt);
			else if (!pj_append(arr, opt))
				*ok = false;
		}
		s = comma ? comma + 1 : NULL;
	}
	return arr;
}

static json_object *
number_value(const char *s, size_t len, bool *ok)
{
	char		buf[64];
	char	   *end;
	double		d;
	json_object *out;

	trim(&s, &len);
	if (len == 0 || len >= sizeof(buf))
		return NULL;			/* no double needs 64 characters */
	memcpy(buf, s, len);
	buf[len] = '\0';
	d = strtod(buf, &end);
	if (end != buf + len || !isfinite(d))
		return NULL;
	if ((out = pj_number(d)) == NULL)
		*ok = false;
	return out;
}

static bool
two_digits(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return (m == 2 && leap) ? 29 : days[m - 1];
}

/* The time and zone after a date (see notion_payload.h) into out. */
static bool
time_part(const char *t, size_t rest, char *out, size_t outsz)
{
	int			hh,
				mi,
				ss = 0,
				zh = 0,
				zm = 0;
	char		frac[4] = "";
	char		zone[16] = "";

	if (rest < 6 || (t[0] != 'T' && t[0] != 't' && t[0] != ' ') ||
		!two_digits(t + 1, &hh) || t[3] != ':' || !two_digits(t + 4, &mi) ||
		hh > 23 || mi > 59)
		return false;
	t += 6;
	rest -= 6;
	if (rest >= 3 && t[0] == ':')
	{
		if (!two_digits(t + 1, &ss) || ss > 59)
			return false;
		t += 3;
		rest -= 3;
		if (rest >= 2 && t[0] == '.' && t[1] >= '0' && t[1] <= '9')
		{
			int			k = 0;

			/* milliseconds: the precision Notion keeps */
			for (t++, rest--; rest > 0 && *t >= '0' && *t <= '9'; t++, rest--)
				if (k < 3)
					frac[k++] = *t;
			while (k < 3)
				frac[k++] = '0';
		}
	}
	if (rest == 1 && (t[0] == 'Z' || t[0] == 'z'))
		strcpy(zone, "Z");
	else if (rest > 0)
	{
		if ((t[0] != '+' && t[0] != '-') || rest < 3 || !two_digits(t + 1, &zh) || zh > 23)
			return false;
		if (rest == 6 && t[3] == ':' && two_digits(t + 4, &zm))
			;
		else if (rest == 5 && two_digits(t + 3, &zm))
			;
		else if (rest != 3)
			return false;
		if (zm > 59)
			return false;
		snprintf(zone, sizeof(zone), "%c%02d:%02d", t[0], zh, zm);
	}
	snprintf(out, outsz, "T%02d:%02d:%02d%s%s%s", hh, mi, ss,
			 frac[0] ? "." : "", frac, zone);
	return true;
}

static json_object *
date_value(const char *s, size_t len, bool *ok)
{
	char		buf[80];
	int			y100,
				y1,
				m,
				d;
	json_object *obj;

	trim(&s, &len);
	if (len < 10 || !two_digits(s, &y100) || !two_digits(s + 2, &y1) || s[4] != '-' ||
		!two_digits(s + 5, &m) || s[7] != '-' || !two_digits(s + 8, &d))
		return NULL;
	if (y100 * 100 + y1 < 1 || m < 1 || m > 12 || d < 1 ||
		d > days_in_month(y100 * 100 + y1, m))
		return NULL;
	memcpy(buf, s, 10);
	buf[10] = '\0';
	if (!time_part(s + 10, len - 10, buf + 10, sizeof(buf) - 10))
		buf[10] = '\0';			/* anything else after the date: date only */
	if ((obj = json_object_new_object()) == NULL ||
		!pj_add(obj, "start", json_object_new_string(buf)))
	{
		json_object_put(obj);
		*ok = false;
		return NULL;
	}
	return obj;
}

static json_object *
url_value(const char *s, size_t len, bool *ok)
{
	json_object *out;

	trim(&s, &len);
	if (len == 0 || pj_utf16_units(s, len) > NOTION_URL_MAX_UNITS)
		return NULL;
	if ((out = pj_string_len(s, len)) == NULL)
		*ok = false;
	return out;
}

static bool
checkbox_value(const char *s)
{
	static const char *const yes[] = {"t", "true", "on", "1", "y", "yes"};
	size_t		len = s ? strlen(s) : 0;

	trim(&s, &len);
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
	{
		size_t		k = 0;

		if (strlen(yes[i]) != len)
			continue;
		/* ASCII case folding, whatever the locale */
		while (k < len && (s[k] | 0x20) == yes[i][k])
			k++;
		if (k == len)
			return true;
	}
	return false;
}

/* {"<type>": value} of one property. */
static json_object *
prop_value(const NotionProp *p, bool *ok)
{
	json_object *wrap = json_object_new_object();
	const char *key = type_names[p->type];
	const char *v = p->value;
	size_t		len = v ? strlen(v) : 0;
	json_object *val = NULL;

	if (wrap == NULL)
	{
		*ok = false;
		return NULL;
	}
	switch (p->type)
	{
		case NP_TITLE:
		case NP_RICH_TEXT:
			if ((val = json_object_new_array()) == NULL)
				*ok = false;
			else if (v != NULL)
				notion_rich_text_fill(val, v, len, NOTION_MAX_ITEMS, SIZE_MAX, true, ok);
			break;
		case NP_NUMBER:
			val = v ? number_value(v, len, ok) : NULL;
			break;
		case NP_SELECT:
			val = v ? select_value(v, len, ok) : NULL;
			break;
		case NP_MULTI_SELECT:
			val = multi_select_value(v, ok);
			break;
		case NP_DATE:
			val = v ? date_value(v, len, ok) : NULL;
			break;
		case NP_URL:
			val = v ? url_value(v, len, ok) : NULL;
			break;
		case NP_CHECKBOX:
			if ((val = json_object_new_boolean(checkbox_value(v))) == NULL)
				*ok = false;
			break;
	}
	if (!*ok || (val != NULL ? !pj_add(wrap, key, val) : !pj_add_null(wrap, key)))
	{
		if (*ok)
			*ok = false;
		else
			json_object_put(val);
		json_object_put(wrap);
		return NULL;
	}
	return wrap;
}

json_object *
notion_properties(const NotionProp *props, int n)
{
	json_object *obj;
	bool		ok = true;

	if (n < 0 || (props == NULL && n > 0) || (obj = json_object_new_object()) == NULL)
		return NULL;
	for (int i = 0; i < n && ok; i++)
	{
		json_object *name,
				   *val;

		if (props[i].name == NULL || (int) props[i].type < 0 || (int) props[i].type >= N_TYPES)
			continue;
		/* the name as it will be sent: invalid UTF-8 replaced */
		if ((name = pj_string(props[i].name)) == NULL)
		{
			ok = false;
			break;
		}
		val = prop_value(&props[i], &ok);
		if (val != NULL && !pj_add(obj, json_object_get_string(name), val))
			ok = false;
		json_object_put(name);
	}
	if (!ok)
	{
		json_object_put(obj);
		return NULL;
	}
	return obj;
}
