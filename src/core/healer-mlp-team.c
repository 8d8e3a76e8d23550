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
#if defined(HEALER_HAVE_OPENBLAS)
/* OpenBLAS's own controls (its cblas.h clashes with GSL's). */
int  openblas_get_num_threads (void);
void openblas_set_num_threads (int n);
#endif

/* Each part of a phase is claimed by one thread: the caller claims part 0
 * first and the helper part 1, so that each keeps working on the same data
 * (a part owns half of every layer's weights, which stay in its core's
 * cache), and either takes the other part too if it is still unclaimed when
 * it is done with its own. So when the helper is not running (a loaded
 * machine) the caller does all the work without waiting; which thread runs
 * a part never changes its results. Claim and completion words carry the
 * job's number in their upper bits, so a helper that wakes late cannot
 * claim a part of a later job. */
struct _HealerMlpTeam
{
  GThread            *helper;
  GMutex              lock;
  GCond               cond;
  gint                sleepers;   /* threads asleep or about to sleep on @cond */

  gint                job;        /* number of the current job, written by the caller */
  gint                quit;
  gint                claimed[HEALER_MLP_TEAM_MAX_PHASES][2];  /* job << 2 | 1 once claimed */
  gint                done[HEALER_MLP_TEAM_MAX_PHASES];        /* job << 2 | parts finished */

  /* The current job, written before @job moves */
  HealerMlpPhaseFunc  func;
  gpointer            data;
  gint                n_phases;   /* atomic: a late helper may read it as it changes */
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
  return (gint) ((guint) job << 2);
}

/* What a wait waits for: *@counter == @value (unless @counter is NULL), or,
 * when @job_tag is not −1, the current job no longer being the one tagged
 * @job_tag. */
typedef struct
{
  gint *counter;
  gint  value;
  gint  job_tag;
} HealerTeamUntil;

static inline gboolean
healer_team_until_met (HealerMlpTeam         *team,
                       const HealerTeamUntil *u)
{
  return (u->counter != NULL && g_atomic_int_get (u->counter) == u->value) ||
         (u->job_tag != -1 && healer_team_tag (g_atomic_int_get (&team->job)) != u->job_tag);
}

static void
healer_team_wait (HealerMlpTeam         *team,
                  const HealerTeamUntil *u)
{
  gint64 deadline;

  if (healer_team_until_met (team, u))
    return;
  deadline = g_get_monotonic_time () + HEALER_TEAM_SPIN_US;
  for (guint i = 1; !healer_team_until_met (team, u); i++)
    {
      /* Past the first few microseconds the other thread is probably not
       * running: offer it this CPU (on a loaded machine it waits for one). */
      if (i < 256)
        healer_team_relax ();
      else
        g_thread_yield ();
      if (i % 64 == 0 && g_get_monotonic_time () > deadline)
        break;
    }
  if (healer_team_until_met (team, u))
    return;

  /* The sleeper count goes up before the last look at the counters, and
   * healer_team_wake looks at it after they move (all sequentially
   * consistent): one of the two sees the other, so a wake-up cannot be lost. */
  g_mutex_lock (&team->lock);
  g_atomic_int_inc (&team->sleepers);
  while (!healer_team_until_met (team, u))
    g_cond_wait (&team->cond, &team->lock);
  g_atomic_int_add (&team->sleepers, -1);
  g_mutex_unlock (&team->lock);
}

/* After a counter moved. */
static void
healer_team_wake (HealerMlpTeam *team)
{
  if (g_atomic_int_get (&team->sleepers) > 0)
    {
      g_mutex_lock (&team->lock);
      g_cond_broadcast (&team->cond);
      g_mutex_unlock (&team->lock);
    }
}

/* Claims part @part of phase @phase of the job tagged @tag. */
static gboolean
healer_team_claim (HealerMlpTeam *team,
                   guint          phase,
                   guint          part,
                   gint           tag)
{
  return g_atomic_int_compare_and_exchange (&team->claimed[phase][part], tag, tag | 1);
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

  for (guint phase = 0; phase < n_phases; phase++)
    {
      HealerTeamUntil until = { &team->done[phase], tag | 2, is_caller ? -1 : tag };

      /* Its own part first, then the other if still unclaimed. A
       * successful claim means the job is still this one, so its function
       * and data are those read here. */
      for (guint k = 0; k < 2; k++)
        {
          guint part = is_caller ? k : 1 - k;

          if (healer_team_claim (team, phase, part, tag))
            {
              team->func (team->data, phase, part);
              g_atomic_int_inc (&team->done[phase]);
              healer_team_wake (team);
            }
        }
      if (!is_caller && phase + 1 == n_phases)
        break;
      /* The next phase reads what both parts of this one wrote. */
      healer_team_wait (team, &until);
      if (!is_caller && healer_team_tag (g_atomic_int_get (&team->job)) != tag)
        break;
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
      HealerTeamUntil until = { NULL, 0, healer_team_tag (seen) };

      healer_team_wait (team, &until);
      seen = g_atomic_int_get (&team->job);
      if (g_atomic_int_get (&team->quit))
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
  g_atomic_int_set (&team->quit, 1);
  g_atomic_int_inc (&team->job);
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
          func (data, phase, part);
      return;
    }

  /* No part of the previous job is running: healer_team_work returned
   * only once its last phase was done. */
  job = g_atomic_int_get (&team->job) + 1;
  tag = healer_team_tag (job);
  team->func = func;
  team->data = data;
  g_atomic_int_set (&team->n_phases, (gint) n_phases);
  for (guint phase = 0; phase < n_phases; phase++)
    {
      g_atomic_int_set (&team->claimed[phase][0], tag);
      g_atomic_int_set (&team->claimed[phase][1], tag);
      g_atomic_int_set (&team->done[phase], tag);
    }
  g_atomic_int_set (&team->job, job);
  healer_team_wake (team);
  healer_team_work (team, tag, n_phases, TRUE);
}
