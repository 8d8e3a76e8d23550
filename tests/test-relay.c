/* test-relay.c — the newest report reaches the main context, one wake-up at a
 * time, and nothing arrives after the relay is closed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-relay.h"

typedef struct
{
  guint  n_delivered;
  gint64 last;
  gint64 max_seen;
  gboolean decreased;
  guint  n_destroyed;
} Sink;

static void
deliver (gconstpointer state,
         gpointer      data)
{
  Sink *sink = data;
  gint64 v = *(const gint64 *) state;

  if (sink->n_delivered > 0 && v < sink->last)
    sink->decreased = TRUE;
  sink->n_delivered++;
  sink->last = v;
}

static void
destroyed (gpointer data)
{
  ((Sink *) data)->n_destroyed++;
}

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_coalesce (void)
{
  Sink sink = { 0 };
  HealerRelay *relay = healer_relay_new (sizeof (gint64), NULL, "test", deliver, &sink, destroyed);

  /* A thousand reports before the loop turns: one wake-up, the newest. */
  for (gint64 i = 1; i <= 1000; i++)
    healer_relay_post (relay, &i);
  drain ();
  g_assert_cmpuint (sink.n_delivered, ==, 1);
  g_assert_cmpint (sink.last, ==, 1000);

  /* Nothing new: nothing delivered again. */
  drain ();
  g_assert_cmpuint (sink.n_delivered, ==, 1);

  healer_relay_close (relay);
  g_assert_cmpuint (sink.n_destroyed, ==, 1);
  healer_relay_unref (relay);
  g_assert_cmpuint (sink.n_destroyed, ==, 1);
}

static void
test_close (void)
{
  Sink sink = { 0 };
  HealerRelay *relay = healer_relay_new (sizeof (gint64), NULL, "test", deliver, &sink, destroyed);
  gint64 v = 7;

  /* Closed with a report waiting: it is dropped, the queued idle too. */
  healer_relay_post (relay, &v);
  healer_relay_close (relay);
  g_assert_cmpuint (sink.n_destroyed, ==, 1);
  drain ();
  g_assert_cmpuint (sink.n_delivered, ==, 0);

  /* Reports after the close go nowhere. */
  healer_relay_post (relay, &v);
  drain ();
  g_assert_cmpuint (sink.n_delivered, ==, 0);
  healer_relay_unref (relay);
}

static void
test_flush (void)
{
  Sink sink = { 0 };
  HealerRelay *relay = healer_relay_new (sizeof (gint64), NULL, "test", deliver, &sink, destroyed);
  gint64 v = 42;

  /* The last report is delivered at once, before the result would be. */
  healer_relay_post (relay, &v);
  healer_relay_flush_and_close (relay);
  g_assert_cmpuint (sink.n_delivered, ==, 1);
  g_assert_cmpint (sink.last, ==, 42);
  g_assert_cmpuint (sink.n_destroyed, ==, 1);
  drain ();
  g_assert_cmpuint (sink.n_delivered, ==, 1);
  healer_relay_unref (relay);

  /* A relay never closed frees its data at the last unref. */
  relay = healer_relay_new (sizeof (gint64), NULL, "test", deliver, &sink, destroyed);
  healer_relay_unref (relay);
  g_assert_cmpuint (sink.n_destroyed, ==, 2);
}

#define N_POSTS 200000

static gpointer
poster (gpointer data)
{
  HealerRelay *relay = data;

  for (gint64 i = 1; i <= N_POSTS; i++)
    healer_relay_post (relay, &i);
  return NULL;
}

/* A worker posting while the loop turns: values only ever go up, far fewer
 * wake-ups than reports, and the flush gives the last one. */
static void
test_threads (void)
{
  Sink sink = { 0 };
  HealerRelay *relay = healer_relay_new (sizeof (gint64), NULL, "test", deliver, &sink, destroyed);
  GThread *thread = g_thread_new ("poster", poster, relay);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (sink.last < N_POSTS && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_thread_join (thread);
  healer_relay_flush_and_close (relay);

  g_test_message ("%d reports, %u deliveries", N_POSTS, sink.n_delivered);
  g_assert_false (sink.decreased);
  g_assert_cmpint (sink.last, ==, N_POSTS);
  g_assert_cmpuint (sink.n_delivered, <, N_POSTS);
  healer_relay_unref (relay);
  drain ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay/coalesce", test_coalesce);
  g_test_add_func ("/relay/close", test_close);
  g_test_add_func ("/relay/flush", test_flush);
  g_test_add_func ("/relay/threads", test_threads);

  return g_test_run ();
}
