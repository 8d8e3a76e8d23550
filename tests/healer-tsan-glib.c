/* healer-tsan-glib.c — tells ThreadSanitizer about GLib's own synchronisation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked into test-stress only in a -Db_sanitize=thread build.
 *
 * Why: the system GLib is not instrumented. Its GMutex and GCond are built
 * on raw futexes and atomics (not on pthread mutexes, which TSan
 * intercepts), and GTask hands a task to its worker thread and the result
 * back through such locks inside libglib. TSan sees none of it, so every
 * value passed to a worker looks like a data race (58 reports in a run
 * without this file, all on the hand-offs below). Rebuilding GLib with TSan
 * is not an option here, and suppressing the reports would hide our own
 * code, so instead the few GLib entry points our code relies on for
 * ordering are wrapped and tell TSan the happens-before edge that GLib
 * documents:
 *
 *  - g_mutex_unlock → a later g_mutex_lock/trylock of the same mutex
 *    (g_cond_wait releases and re-acquires it);
 *  - everything before g_task_run_in_thread → the task function;
 *  - g_task_return_* → g_task_propagate_* of the same task;
 *  - every g_object_unref → the one that finalises the object (GObject's
 *    reference count is an atomic inside libgobject).
 *
 * Nothing else is annotated: an access of ours that is not ordered by one
 * of these is still reported. The wrappers forward to the real functions
 * (RTLD_NEXT); definitions in the executable take precedence over libglib
 * for our calls and for libgio's (libglib's calls to itself are bound
 * inside it and stay invisible, which is why GTask's entry points are
 * wrapped rather than GAsyncQueue's).
 */

#define _GNU_SOURCE
#include <dlfcn.h>

#include <gio/gio.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

/* real_NAME is looked up on first use; the wrapper calls it through a
 * local copy read atomically, since any thread may get there first. */
#define REAL(name, ret, args)                                              \
  typedef ret (*name##_func) args;                                         \
  static name##_func real_##name##_ptr;                                    \
  static name##_func                                                       \
  get_##name (void)                                                        \
  {                                                                        \
    name##_func f = g_atomic_pointer_get (&real_##name##_ptr);             \
                                                                           \
    if (f == NULL)                                                         \
      {                                                                    \
        f = (name##_func) dlsym (RTLD_NEXT, #name);                        \
        if (f == NULL)                                                     \
          g_error ("healer-tsan-glib: %s not found", #name);               \
        g_atomic_pointer_set (&real_##name##_ptr, f);                      \
      }                                                                    \
    return f;                                                              \
  }

/* GMutex, GCond */

REAL (g_mutex_lock, void, (GMutex *))
REAL (g_mutex_unlock, void, (GMutex *))
REAL (g_mutex_trylock, gboolean, (GMutex *))
REAL (g_cond_wait, void, (GCond *, GMutex *))
REAL (g_cond_wait_until, gboolean, (GCond *, GMutex *, gint64))

void
g_mutex_lock (GMutex *mutex)
{
  get_g_mutex_lock () (mutex);
  __tsan_acquire (mutex);
}

void
g_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  get_g_mutex_unlock () (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  gboolean locked;

  locked = get_g_mutex_trylock () (mutex);
  if (locked)
    __tsan_acquire (mutex);
  return locked;
}

void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  __tsan_release (mutex);
  get_g_cond_wait () (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  gboolean signalled;

  __tsan_release (mutex);
  signalled = get_g_cond_wait_until () (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

/* GTask */

REAL (g_task_run_in_thread, void, (GTask *, GTaskThreadFunc))
REAL (g_task_return_pointer, void, (GTask *, gpointer, GDestroyNotify))
REAL (g_task_return_boolean, void, (GTask *, gboolean))
REAL (g_task_return_int, void, (GTask *, gssize))
REAL (g_task_return_error, void, (GTask *, GError *))
REAL (g_task_return_value, void, (GTask *, GValue *))
REAL (g_task_propagate_pointer, gpointer, (GTask *, GError **))
REAL (g_task_propagate_boolean, gboolean, (GTask *, GError **))
REAL (g_task_propagate_int, gssize, (GTask *, GError **))
REAL (g_task_propagate_value, gboolean, (GTask *, GValue *, GError **))

static GQuark
task_func_quark (void)
{
  return g_quark_from_static_string ("healer-tsan-task-func");
}

static void
task_trampoline (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GTaskThreadFunc func;

  __tsan_acquire (task);
  func = (GTaskThreadFunc) g_object_get_qdata (G_OBJECT (task), task_func_quark ());
  func (task, source_object, task_data, cancellable);
}

void
g_task_run_in_thread (GTask           *task,
                      GTaskThreadFunc  task_func)
{
  g_object_set_qdata (G_OBJECT (task), task_func_quark (), (gpointer) task_func);
  __tsan_release (task);
  get_g_task_run_in_thread () (task, task_trampoline);
}

void
g_task_return_pointer (GTask          *task,
                       gpointer        result,
                       GDestroyNotify  result_destroy)
{
  __tsan_release (task);
  get_g_task_return_pointer () (task, result, result_destroy);
}

void
g_task_return_boolean (GTask    *task,
                       gboolean  result)
{
  __tsan_release (task);
  get_g_task_return_boolean () (task, result);
}

void
g_task_return_int (GTask  *task,
                   gssize  result)
{
  __tsan_release (task);
  get_g_task_return_int () (task, result);
}

void
g_task_return_error (GTask  *task,
                     GError *error)
{
  __tsan_release (task);
  get_g_task_return_error () (task, error);
}

void
g_task_return_value (GTask  *task,
                     GValue *result)
{
  __tsan_release (task);
  get_g_task_return_value () (task, result);
}

gpointer
g_task_propagate_pointer (GTask   *task,
                          GError **error)
{
  gpointer result;

  result = get_g_task_propagate_pointer () (task, error);
  __tsan_acquire (task);
  return result;
}

gboolean
g_task_propagate_boolean (GTask   *task,
                          GError **error)
{
  gboolean result;

  result = get_g_task_propagate_boolean () (task, error);
  __tsan_acquire (task);
  return result;
}

gssize
g_task_propagate_int (GTask   *task,
                      GError **error)
{
  gssize result;

  result = get_g_task_propagate_int () (task, error);
  __tsan_acquire (task);
  return result;
}

gboolean
g_task_propagate_value (GTask   *task,
                        GValue  *value,
                        GError **error)
{
  gboolean result;

  result = get_g_task_propagate_value () (task, value, error);
  __tsan_acquire (task);
  return result;
}

/* GObject: the thread that drops the last reference runs the finaliser
 * (and GTask's task-data destroy notify) after every other holder let go. */

REAL (g_object_unref, void, (gpointer))

void
g_object_unref (gpointer object)
{
  __tsan_release (object);
  __tsan_acquire (object);
  get_g_object_unref () (object);
}
