// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The uevent datagram parser: nothing in a datagram is trusted, every field
 * must end inside it, and only a well-formed module event is accepted.
 */
#include "base/internal.h"
#include "watch/uevent.h"

#define DEVPATH_PREFIX "/module/"

struct fields {
	const char *action, *devpath, *subsystem, *seqnum, *synth_uuid;
};

/* Is @value a name the kernel can give a module (one path component, printable)? */
static bool is_module_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MT_UEVENT_MODULE_NAME_MAX || mt_streq(s, ".") || mt_streq(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *(const unsigned char *)s <= ' ' || *(const unsigned char *)s >= 0x7f)
			return false;
	return true;
}

/* Keep @field's value in @slot; a key given twice makes the event ambiguous. */
static int take(const char *field, const char *key, const char **slot)
{
	size_t n = strlen(key);

	if (strncmp(field, key, n) != 0 || field[n] != '=')
		return 0;
	if (*slot)
		return -EBADMSG;
	*slot = field + n + 1;
	return 1;
}

static int take_field(const char *field, struct fields *f)
{
	static const struct {
		const char *key;
		size_t offset;
	} known[] = {
		{ "ACTION", offsetof(struct fields, action) },
		{ "DEVPATH", offsetof(struct fields, devpath) },
		{ "SUBSYSTEM", offsetof(struct fields, subsystem) },
		{ "SEQNUM", offsetof(struct fields, seqnum) },
		{ "SYNTH_UUID", offsetof(struct fields, synth_uuid) },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int r = take(field, known[i].key, (const char **)((char *)f + known[i].offset));

		if (r != 0)
			return r < 0 ? r : 0;
	}
	return 0;	/* other keys are the kernel's to add */
}

static int parse_seqnum(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EBADMSG;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -EBADMSG;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* The header "ACTION@DEVPATH" must say what the fields say. */
static bool header_agrees(const char *header, const struct fields *f)
{
	size_t n = strlen(f->action);

	return strncmp(header, f->action, n) == 0 && header[n] == '@' &&
	       mt_streq(header + n + 1, f->devpath);
}

int mt_uevent_parse(const char *buf, size_t len, struct mt_uevent *ev)
{
	struct fields f = { 0 };
	const char *header, *p, *end = buf + len;
	int err;

	if (!buf || len == 0 || len > MT_UEVENT_MAX)
		return -EMSGSIZE;
	/* udev's re-broadcasts start "libudev\0" (group 2, which is not joined) */
	if (len >= 8 && memcmp(buf, "libudev", 8) == 0)
		return -ENOMSG;
	if (buf[len - 1] != '\0')
		return -EBADMSG;	/* a last field without its NUL: cut off */
	header = buf;
	if (!strchr(header, '@'))
		return -EBADMSG;
	for (p = header + strlen(header) + 1; p < end; p += strlen(p) + 1)
		if ((err = take_field(p, &f)) < 0)
			return err;
	if (!f.action || !f.devpath || !f.subsystem || !f.seqnum)
		return f.subsystem && !mt_streq(f.subsystem, "module") ? -ENOMSG : -EBADMSG;
	if (!mt_streq(f.subsystem, "module"))
		return -ENOMSG;
	if (!header_agrees(header, &f) || !*f.action ||
	    strncmp(f.devpath, DEVPATH_PREFIX, strlen(DEVPATH_PREFIX)) != 0 ||
	    !is_module_name(f.devpath + strlen(DEVPATH_PREFIX)))
		return -EBADMSG;
	memset(ev, 0, sizeof(*ev));
	err = parse_seqnum(f.seqnum, &ev->seqnum);
	if (err < 0)
		return err;
	ev->action = f.action;
	ev->module = f.devpath + strlen(DEVPATH_PREFIX);
	ev->synth_uuid = f.synth_uuid;
	return 0;
}
