/* healer-mlp-team.c — the caller and one helper thread sharing a training step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "healer-mlp-private.h"

/* How long a wait spins before it sleeps. Between two mini-batch steps the
 * helper waits while the caller gathers the next batch, a few microseconds;
 * a sleeping thread takes tens of microseconds to wake on a VM. */
#define HEALER_TEAM_SPIN_US  100
/* … and how long of that it spins without offering its CPU to others. */
#define HEALER_TEAM_PAUSE_US  30
#if defined(HEALER_HAVE_OPENBLAS)
/* OpenBLAS's own controls (its cblas.h clashes with GSL's). */
int  openblas_get_num_threads (void);
void openblas_set_num_threads (int n);
int  openblas_get_parallel (void);
#if defined(__linux__) && defined(__GNUC__)
/* Not in OpenBLAS's headers: exported by its builds with their own threads
 * on Linux, absent from serial builds (weak: NULL then). */
int  blas_thread_shutdown_ (void) __attribute__ ((weak));
#define HEALER_BLAS_CAN_PARK 1
#endif
#endif

/* Each part of a phase is claimed by one thread: the caller claims part 0
 * first and the helper part 1, so that each keeps working on the same data
 * (a part owns half of every layer's weights, which stay in its core's
 * cache), and either takes the other part too if it is still unclaimed when
 * it is done with its own. So when the helper is not running (a loaded
 * machine) the caller does all the work without waiting; which thread runs
 * a part never changes its results.
 *
 * A part of a phase has two stages: the shared one, whose results the next
 * phase reads, and the local one (weight gradients, the optimiser), which
 * only the part's own later stages read. A thread marks a part's shared
 * stage done before it runs the local one, so while it works on that the
 * other thread may already have passed the barrier, and a late thread's
 * lateness is hidden behind its partner's local work.
 *
 * Each word the threads hand over sits in a cache line of its own and is
 * written by one thread at a time (a part's claim and progress by the thread
 * that runs it): the phases of a step are a few microseconds apart, and two
 * read-modify-writes on one shared line per phase cost more than that line's
 * transfer between the cores. Words carry the job's number in their upper
 * bits (job << HEALER_TEAM_TAG_SHIFT, plus the phases done), so a helper that
 * wakes late cannot claim a part of a later job. */
#define HEALER_TEAM_TAG_SHIFT  6
G_STATIC_ASSERT (HEALER_MLP_TEAM_MAX_PHASES < (1 << HEALER_TEAM_TAG_SHIFT));
#define HEALER_TEAM_LINE       64

typedef struct
{
  gint  value;
  gchar pad[HEALER_TEAM_LINE - sizeof (gint)];
} HealerTeamWord;

struct _HealerMlpTeam
{
  GThread            *helper;
  GMutex              lock;
  GCond               cond;

  /* The current job, written before @job moves */
  HealerMlpPhaseFunc  func;
  gpointer            data;
  gint                n_phases;   /* atomic: a late helper may read it as it changes */

  gchar               pad[HEALER_TEAM_LINE];
  HealerTeamWord      sleepers;   /* threads asleep or about to sleep on @cond */
  HealerTeamWord      job;        /* number of the current job, written by the caller */
  HealerTeamWord      quit;
  /* Per part, each: tag + the number of phases whose part … */
  HealerTeamWord      claimed[2];   /* … was claimed */
  HealerTeamWord      progress[2];  /* … has its shared stage done */
  HealerTeamWord      finished[2];  /* … has both stages done (a count) */
};

/* ---- OpenBLAS's thread count while teams exist ---- */

static GMutex healer_blas_lock;
static guint  healer_blas_holders;
static int    healer_blas_saved;

/* Threads OpenBLAS would use outside a team. */
static guint
healer_blas_threads_locked (void)
{
#if defined(HEALER_HAVE_OPENBLAS)
  return (guint) MAX (healer_blas_holders > 0 ? healer_blas_saved
                                              : openblas_get_num_threads (), 1);
#else
  return g_get_num_processors ();
#endif
}

static void
healer_blas_hold_single (void)
{
  g_mutex_lock (&healer_blas_lock);
#if defined(HEALER_HAVE_OPENBLAS)
  if (healer_blas_holders == 0)
    {
      healer_blas_saved = openblas_get_num_threads ();
      if (healer_blas_saved > 1)
        openblas_set_num_threads (1);
    }
#endif
  healer_blas_holders++;
  g_mutex_unlock (&healer_blas_lock);
}

static void
healer_blas_release (void)
{
  g_mutex_lock (&healer_blas_lock);
  g_assert (healer_blas_holders > 0);
  healer_blas_holders--;
#if defined(HEALER_HAVE_OPENBLAS)
  if (healer_blas_holders == 0 && healer_blas_saved > 1)
    openblas_set_num_threads (healer_blas_saved);
#endif
  g_mutex_unlock (&healer_blas_lock);
}

/* OpenBLAS starts its worker threads when the library loads, and each then
 * waits for a first product by spinning (sched_yield) for 2^28 processor
 * cycles before it sleeps: a tenth of a second of a core at the start of
 * every program linked with it, whether it multiplies anything or not. On
 * two cores that was a core taken from `predict`'s first tenth of a second,
 * where the reader and the diagnosis need both (bench/README.md, eighth
 * session: 2.6 % of a 300k-row run's CPU). OpenBLAS's own shutdown (the
 * one it runs before a fork) ends them. Only its own threads (not OpenMP's)
 * on Linux: on Windows they wait on events without spinning. Anything that
 * sets OpenBLAS's thread count or multiplies on several threads starts
 * them again (a team does, healer_blas_hold_single), so this is for a
 * program that will not (a batch diagnosis), called before any other
 * thread of it exists. */
void
healer_blas_park_threads (void)
{
#if defined(HEALER_BLAS_CAN_PARK)
  g_mutex_lock (&healer_blas_lock);
  if (healer_blas_holders == 0 && blas_thread_shutdown_ != NULL && openblas_get_parallel () == 1)
    blas_thread_shutdown_ ();
  g_mutex_unlock (&healer_blas_lock);
#endif
}

/* ---- waiting ---- */

static inline void
healer_team_relax (void)
{
#if defined(__SSE2__)
  _mm_pause ();
#endif
}

static inline gint
healer_team_tag (gint job)
{
  return (gint) ((guint) job << HEALER_TEAM_TAG_SHIFT);
}

/* Phases counted in @word for the job tagged @tag; HEALER_TEAM_MOVED_ON
 * or more when a later job has reset it. */
#define HEALER_TEAM_MOVED_ON  (1u << HEALER_TEAM_TAG_SHIFT)

static inline guint
healer_team_count (const HealerTeamWord *word,
                   gint                  tag)
{
  return (guint) g_atomic_int_get (&word->value) - (guint) tag;
}

/* What a wait waits for: both parts' progress counting @progress phases or
 * more of the job tagged @tag and their finished counts @finished or more
 * (unless @phases is FALSE), or, when @leave_on_new_job, the current job no
 * longer being that one (for the helper, whose job may end without it). */
typedef struct
{
  gboolean        phases;
  guint           progress;
  guint           finished;
  gint            tag;
  gboolean        leave_on_new_job;
  HealerTeamWord *word;     /* instead of both parts': this one counting @finished */
} HealerTeamUntil;

static inline gboolean
healer_team_reached (const HealerTeamWord *words,
                     guint                 count,
                     gint                  tag)
{
  for (guint part = 0; part < 2; part++)
    {
      guint c = healer_team_count (&words[part], tag);

      if (c < count || c >= HEALER_TEAM_MOVED_ON)
        return FALSE;
    }
  return TRUE;
}

static inline gboolean
healer_team_until_met (HealerMlpTeam         *team,
                       const HealerTeamUntil *u)
{
  if (u->word != NULL)
    {
      guint c = healer_team_count (u->word, u->tag);

      if (c >= u->finished && c < HEALER_TEAM_MOVED_ON)
        return TRUE;
    }
  else if (u->phases && healer_team_reached (team->progress, u->progress, u->tag) &&
           healer_team_reached (team->finished, u->finished, u->tag))
    return TRUE;
  return u->leave_on_new_job &&
         healer_team_tag (g_atomic_int_get (&team->job.value)) != u->tag;
}

static void
healer_team_wait (HealerMlpTeam         *team,
                  const HealerTeamUntil *u)
{
  gint64 start, deadline;

  if (healer_team_until_met (team, u))
    return;
  start = g_get_monotonic_time ();
  deadline = start + HEALER_TEAM_SPIN_US;
  for (guint i = 1, yielding = FALSE; !healer_team_until_met (team, u); i++)
    {
      /* Past the first tens of microseconds the other thread is probably
       * not running: offer it this CPU (on a loaded machine it waits for
       * one). Not sooner: on this VM a yield is a 1.6 µs system call, and
       * at batch 30 yields after 7 µs of spinning took a tenth of a step. */
      if (!yielding)
        healer_team_relax ();
      else
        g_thread_yield ();
      if (i % 64 == 0)
        {
          gint64 now = g_get_monotonic_time ();

          if (now > deadline)
            break;
          yielding = now > start + HEALER_TEAM_PAUSE_US;
        }
    }
  if (healer_team_until_met (team, u))
    return;

  /* The sleeper count goes up before the last look at the words, and
   * healer_team_wake looks at it after they move (all sequentially
   * consistent): one of the two sees the other, so a wake-up cannot be lost. */
  g_mutex_lock (&team->lock);
  g_atomic_int_inc (&team->sleepers.value);
  while (!healer_team_until_met (team, u))
    g_cond_wait (&team->cond, &team->lock);
  g_atomic_int_add (&team->sleepers.value, -1);
  g_mutex_unlock (&team->lock);
}

/* After a word moved. */
static void
healer_team_wake (HealerMlpTeam *team)
{
  if (g_atomic_int_get (&team->sleepers.value) > 0)
    {
      g_mutex_lock (&team->lock);
      g_cond_broadcast (&team->cond);
      g_mutex_unlock (&team->lock);
    }
}

/* Claims part @part of phase @phase of the job tagged @tag, and runs it.
 * Runs of a part follow each other, whichever threads make them: the
 * finished count then says which of its phases are over. */
static gboolean
healer_team_run_part (HealerMlpTeam *team,
                      guint          phase,
                      guint          part,
                      gint           tag)
{
  if (healer_team_count (&team->finished[part], tag) != phase)
    return FALSE;
  if (!g_atomic_int_compare_and_exchange (&team->claimed[part].value, tag + (gint) phase,
                                          tag + (gint) phase + 1))
    return FALSE;
  /* A successful claim means the job is still this one, so its function
   * and data are those read here. */
  team->func (team->data, phase, part, HEALER_MLP_STAGE_SHARED);
  g_atomic_int_set (&team->progress[part].value, tag + (gint) phase + 1);
  healer_team_wake (team);
  team->func (team->data, phase, part, HEALER_MLP_STAGE_LOCAL);
  g_atomic_int_inc (&team->finished[part].value);
  healer_team_wake (team);
  return TRUE;
}

/* Works on the job tagged @tag until the caller's share is done: every
 * phase finished; the helper leaves after its last part, or as soon as the
 * job is over. */
static void
healer_team_work (HealerMlpTeam *team,
                  gint           tag,
                  guint          n_phases,
                  gboolean       is_caller)
{
  guint own = is_caller ? 0 : 1, other = 1 - own;

  for (guint phase = 0; phase < n_phases; phase++)
    {
      /* The next phase reads what both parts' shared stages of this one
       * wrote; the one after it may read what the local stages of the
       * phase before wrote (the row-major activations of the forward pass,
       * read by the weight gradients), which also keeps a thread that was
       * left behind in a local stage from being lapped. */
      HealerTeamUntil until = { TRUE, phase + 1, phase, tag, !is_caller, NULL };

      /* Its own part, unless the other thread took it; if that thread took
       * the part's previous phase, once it is done with it. */
      if (healer_team_count (&team->claimed[own], tag) == phase)
        {
          HealerTeamUntil previous = { FALSE, 0, phase, tag, !is_caller, &team->finished[own] };

          healer_team_wait (team, &previous);
          healer_team_run_part (team, phase, own, tag);
        }
      /* The other part too if it is neither done nor claimed, and its
       * previous phase is over (loads first: the claim word's line stays
       * with its usual writer). */
      if (healer_team_count (&team->progress[other], tag) < phase + 1 &&
          healer_team_count (&team->claimed[other], tag) == phase)
        healer_team_run_part (team, phase, other, tag);
      if (!is_caller && phase + 1 == n_phases)
        break;
      healer_team_wait (team, &until);
      if (!is_caller && healer_team_tag (g_atomic_int_get (&team->job.value)) != tag)
        break;
    }
  if (is_caller)
    {
      /* The local stages too, before the step's results are read. */
      HealerTeamUntil until = { TRUE, n_phases, n_phases, tag, FALSE, NULL };

      healer_team_wait (team, &until);
    }
}

static gpointer
healer_team_helper (gpointer data)
{
  HealerMlpTeam *team = data;
  gint seen = 0;

  for (;;)
    {
      /* Until the job number moves on from the last one seen, by however
       * many jobs the caller ran alone meanwhile. */
      HealerTeamUntil until = { FALSE, 0, 0, healer_team_tag (seen), TRUE, NULL };

      healer_team_wait (team, &until);
      seen = g_atomic_int_get (&team->job.value);
      if (g_atomic_int_get (&team->quit.value))
        break;
      healer_team_work (team, healer_team_tag (seen),
                        (guint) g_atomic_int_get (&team->n_phases), FALSE);
    }
  return NULL;
}

HealerMlpTeam *
healer_mlp_team_new (void)
{
  HealerMlpTeam *team;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&healer_blas_lock);
  if (healer_blas_threads_locked () < 2 || g_get_num_processors () < 2)
    {
      g_mutex_unlock (&healer_blas_lock);
      return NULL;
    }
  g_mutex_unlock (&healer_blas_lock);

  team = g_new0 (HealerMlpTeam, 1);
  g_mutex_init (&team->lock);
  g_cond_init (&team->cond);
  team->helper = g_thread_try_new ("healer-mlp", healer_team_helper, team, &error);
  if (team->helper == NULL)
    {
      g_debug ("training on one thread: %s", error->message);
      g_mutex_clear (&team->lock);
      g_cond_clear (&team->cond);
      g_free (team);
      return NULL;
    }
  healer_blas_hold_single ();
  return team;
}

void
healer_mlp_team_free (HealerMlpTeam *team)
{
  if (team == NULL)
    return;
  g_atomic_int_set (&team->quit.value, 1);
  g_atomic_int_inc (&team->job.value);
  healer_team_wake (team);
  g_thread_join (team->helper);
  healer_blas_release ();
  g_mutex_clear (&team->lock);
  g_cond_clear (&team->cond);
  g_free (team);
}

void
healer_mlp_team_run (HealerMlpTeam      *team,
                     HealerMlpPhaseFunc  func,
                     gpointer            data,
                     guint               n_phases)
{
  gint job, tag;

  g_return_if_fail (n_phases <= HEALER_MLP_TEAM_MAX_PHASES);

  if (team == NULL)
    {
      for (guint phase = 0; phase < n_phases; phase++)
        for (guint part = 0; part < 2; part++)
          {
            func (data, phase, part, HEALER_MLP_STAGE_SHARED);
            func (data, phase, part, HEALER_MLP_STAGE_LOCAL);
          }
      return;
    }

  /* No part of the previous job is running: healer_team_work returned
   * only once every stage of every phase was done. */
  job = g_atomic_int_get (&team->job.value) + 1;
  tag = healer_team_tag (job);
  /* The words first, then the job's function, data and length. A helper
   * still on the last job (it read the job number, then was descheduled)
   * may read the new length; if it could then still see the last job's
   * words, every phase up to the last job's length would look done and the
   * next one unclaimed, and it would run a phase of this job before it
   * starts, which would then run again. Reset first (all sequentially
   * consistent), the words it sees count a later job, and every claim it
   * tries fails. */
  for (guint part = 0; part < 2; part++)
    {
      g_atomic_int_set (&team->claimed[part].value, tag);
      g_atomic_int_set (&team->progress[part].value, tag);
      g_atomic_int_set (&team->finished[part].value, tag);
    }
  team->func = func;
  team->data = data;
  g_atomic_int_set (&team->n_phases, (gint) n_phases);
  g_atomic_int_set (&team->job.value, job);
  healer_team_wake (team);
  healer_team_work (team, tag, n_phases, TRUE);
}
