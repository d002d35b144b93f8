/* tests/unit/test_sysinfo.c - loader/sysinfo.c: the sysfs CPU list. */
#include "loader/sysinfo.h"
#include "tests/unit/check.h"

struct seen { unsigned n, cpus[16]; };

static int note(unsigned cpu, void *arg)
{
	struct seen *s = arg;
	if (s->n < 16)
		s->cpus[s->n] = cpu;
	s->n++;
	return 0;
}

int main(void)
{
	struct seen s = { 0, { 0 } };

	CHECK_EQ(sysinfo_cpulist("0-3,6,8-9\n", note, &s), 0);
	CHECK_EQ(s.n, 7);
	CHECK_EQ(s.cpus[3], 3);
	CHECK_EQ(s.cpus[4], 6);
	CHECK_EQ(s.cpus[6], 9);
	s.n = 0;
	CHECK_EQ(sysinfo_cpulist("0", note, &s), 0);
	CHECK_EQ(s.n, 1);
	s.n = 0;
	CHECK_EQ(sysinfo_cpulist("3-1", note, &s), -1);
	CHECK_EQ(sysinfo_cpulist("a", note, &s), -1);
	CHECK_EQ(sysinfo_cpulist("0-", note, &s), -1);
	CHECK_EQ(sysinfo_cpulist("0;1", note, &s), -1);
	CHECK_DONE();
}
