/* boot/format.c - see format.h. */
#include "boot/format.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, int left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;
	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

int cc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	char tmp[24];

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		int left = 0, width = 0, lng = 0, prec = -1;
		char pad = ' ';
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') { /* precision: only for %s (maximum length) */
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		unsigned long long u;
		int neg = 0, base = 10, upper = 0;
		switch (*fmt) {
		case '%':
			put(&o, '%');
			continue;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			put_padded(&o, tmp, 1, width, left, ' ');
			continue;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = 0;
			if (!s)
				s = "(null)";
			while (s[n] && (prec < 0 || (int)n < prec))
				n++;
			put_padded(&o, s, n, width, left, ' ');
			continue;
		}
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			neg = v < 0;
			u = neg ? -(unsigned long long)v : (unsigned long long)v;
			break;
		}
		case 'u':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			break;
		case 'X':
			upper = 1;
			/* fall through */
		case 'x':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			base = 16;
			break;
		case 'p':
			u = (unsigned long long)(unsigned long)va_arg(ap, void *);
			base = 16;
			put(&o, '0');
			put(&o, 'x');
			break;
		case '\0':
			fmt--;
			continue;
		default: /* unknown conversion: print it as is */
			put(&o, '%');
			put(&o, *fmt);
			continue;
		}
		const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
		int n = 0;
		do {
			tmp[sizeof(tmp) - 1 - n++] = digits[u % base];
			u /= base;
		} while (u);
		if (neg) {
			if (pad == '0') { /* sign before the zeros */
				put(&o, '-');
				width--;
			} else {
				tmp[sizeof(tmp) - 1 - n++] = '-';
			}
		}
		put_padded(&o, tmp + sizeof(tmp) - n, n, width, left, pad);
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return (int)o.len;
}

int cc_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = cc_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
