/* healer-diagnose-rows.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "healer-diagnose-rows.h"

struct _HealerDiagnoseRows
{
  GObject            parent_instance;

  HealerResults     *results;
  GtkSorter         *sorter;
  gulong             sorter_changed_id;
  guint             *order;        /* indices of the visible rows, n_visible */
  guint              n_visible;

  char              *search;       /* ASCII lower case, NULL for none */
  int                klass;
  gboolean           uncertain_only;

  /* Items pointed at the two rows being compared while sorting. */
  HealerDiagnoseRow *probe_a;
  HealerDiagnoseRow *probe_b;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HealerDiagnoseRows, healer_diagnose_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return HEALER_TYPE_DIAGNOSE_ROW;
}

static guint
get_n_items (GListModel *model)
{
  return HEALER_DIAGNOSE_ROWS (model)->n_visible;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  HealerDiagnoseRows *self = HEALER_DIAGNOSE_ROWS (model);

  if (position >= self->n_visible)
    return NULL;
  return healer_diagnose_row_new (self->results, self->order[position]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
healer_diagnose_rows_dispose (GObject *object)
{
  HealerDiagnoseRows *self = (HealerDiagnoseRows *)object;

  if (self->sorter != NULL)
    g_clear_signal_handler (&self->sorter_changed_id, self->sorter);
  g_clear_object (&self->sorter);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);
  g_clear_object (&self->results);

  G_OBJECT_CLASS (healer_diagnose_rows_parent_class)->dispose (object);
}

static void
healer_diagnose_rows_finalize (GObject *object)
{
  HealerDiagnoseRows *self = (HealerDiagnoseRows *)object;

  g_clear_pointer (&self->order, g_free);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (healer_diagnose_rows_parent_class)->finalize (object);
}

static void
healer_diagnose_rows_class_init (HealerDiagnoseRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = healer_diagnose_rows_dispose;
  object_class->finalize = healer_diagnose_rows_finalize;
}

static void
healer_diagnose_rows_init (HealerDiagnoseRows *self)
{
  self->klass = -1;
}

static gboolean
contains_ascii_nocase (const char *haystack,
                       const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = haystack; *p != '\0'; p++)
    if (g_ascii_strncasecmp (p, needle, n) == 0)
      return TRUE;
  return n == 0;
}

static gboolean
row_visible (HealerDiagnoseRows *self,
             guint               row)
{
  if (self->klass >= 0 && healer_results_get_predicted (self->results, row) != (guint) self->klass)
    return FALSE;
  if (self->uncertain_only && !healer_results_get_uncertain (self->results, row))
    return FALSE;
  if (self->search != NULL
      && !contains_ascii_nocase (healer_results_get_sample_id (self->results, row), self->search))
    return FALSE;
  return TRUE;
}

/* Set while the rows model asks the table's sorter which column comes
 * first; main thread only, like every sorter. */
static gboolean probing;
static int probed_column = -1;

static double
row_key (HealerResults        *results,
         guint                 row,
         HealerDiagnoseColumn  column)
{
  switch (column)
    {
    case HEALER_DIAGNOSE_COLUMN_CLASS:
      return healer_results_get_predicted (results, row);
    case HEALER_DIAGNOSE_COLUMN_CONFIDENCE:
      return healer_results_get_confidence (results, row);
    case HEALER_DIAGNOSE_COLUMN_UNCERTAIN:
      return healer_results_get_uncertainty (results, row);
    case HEALER_DIAGNOSE_COLUMN_TRUE_LABEL:
      return healer_results_get_true_class (results, row);
    case HEALER_DIAGNOSE_COLUMN_ID:
    case HEALER_DIAGNOSE_N_COLUMNS:
    default:
      return 0;
    }
}

/* Sample ids are often numbers ("10", "101", "1006") or names with a number
 * ("node-2", "node-10"): runs of digits compare as numbers, the rest byte by
 * byte, so "9" < "10" < "101" < "1006" and "node-2" < "node-10". Equal
 * numbers with different leading zeros, and everything else equal, fall
 * back to strcmp, so the order is total and the same on every run. */
static int
compare_sample_ids (const char *a,
                    const char *b)
{
  const char *pa = a, *pb = b;

  while (*pa != '\0' && *pb != '\0')
    {
      if (g_ascii_isdigit (*pa) && g_ascii_isdigit (*pb))
        {
          const char *ea, *eb;
          gsize la, lb;
          int order;

          while (*pa == '0' && g_ascii_isdigit (pa[1]))
            pa++;
          while (*pb == '0' && g_ascii_isdigit (pb[1]))
            pb++;
          for (ea = pa; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = pb; g_ascii_isdigit (*eb); eb++)
            ;
          la = ea - pa;
          lb = eb - pb;
          if (la != lb)
            return la < lb ? -1 : 1;
          order = memcmp (pa, pb, la);
          if (order != 0)
            return order;
          pa = ea;
          pb = eb;
        }
      else if (*pa != *pb)
        return (guchar) *pa < (guchar) *pb ? -1 : 1;
      else
        {
          pa++;
          pb++;
        }
    }
  if (*pa != *pb)
    return *pa == '\0' ? -1 : 1;
  return strcmp (a, b);
}

int
healer_diagnose_rows_compare (HealerResults        *results,
                              guint                 a,
                              guint                 b,
                              HealerDiagnoseColumn  column)
{
  int order;

  if (probing && probed_column < 0)
    probed_column = column;

  if (column == HEALER_DIAGNOSE_COLUMN_ID)
    order = compare_sample_ids (healer_results_get_sample_id (results, a),
                                healer_results_get_sample_id (results, b));
  else
    {
      double ka = row_key (results, a, column);
      double kb = row_key (results, b, column);

      order = ka < kb ? -1 : ka > kb;
    }
  return order < 0 ? GTK_ORDERING_SMALLER : order > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

typedef struct
{
  double key;
  guint  row;
} Keyed;

static int
compare_keyed (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const Keyed *ka = a;
  const Keyed *kb = b;
  int sign = GPOINTER_TO_INT (user_data);

  if (ka->key != kb->key)
    return ka->key < kb->key ? -sign : sign;
  return ka->row < kb->row ? -1 : ka->row > kb->row;
}

typedef struct
{
  HealerResults *results;
  int            sign;
} IdSort;

static int
compare_ids (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  IdSort *s = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  int order = compare_sample_ids (healer_results_get_sample_id (s->results, ia),
                                  healer_results_get_sample_id (s->results, ib));

  if (order != 0)
    return order < 0 ? -s->sign : s->sign;
  return ia < ib ? -1 : ia > ib;
}

/* The table's sorter sorts first by one column, ascending or descending:
 * find which by asking it to compare two rows and watching which column
 * it consults first, then the direction from a pair that column tells
 * apart. FALSE when the rows cannot be told apart at all. */
static gboolean
probe_sorter (HealerDiagnoseRows   *self,
              HealerDiagnoseColumn *column,
              int                  *sign)
{
  guint n = self->n_visible;

  if (n < 2)
    return FALSE;

  probing = TRUE;
  probed_column = -1;
  healer_diagnose_row_set_index (self->probe_a, self->order[0]);
  healer_diagnose_row_set_index (self->probe_b, self->order[1]);
  gtk_sorter_compare (self->sorter, self->probe_a, self->probe_b);
  probing = FALSE;
  if (probed_column < 0)
    return FALSE;
  *column = probed_column;

  for (guint i = 1; i < n; i++)
    {
      int raw = healer_diagnose_rows_compare (self->results, self->order[0], self->order[i], *column);

      if (raw != GTK_ORDERING_EQUAL)
        {
          healer_diagnose_row_set_index (self->probe_b, self->order[i]);
          *sign = gtk_sorter_compare (self->sorter, self->probe_a, self->probe_b) == raw ? 1 : -1;
          return TRUE;
        }
    }
  return FALSE;
}

/* Sorts by keys computed once per row: 100 000 rows in a few
 * milliseconds, where calling the sorter for each pair takes most of a
 * second. Ties stay in file order. */
static void
sort_by_column (HealerDiagnoseRows   *self,
                HealerDiagnoseColumn  column,
                int                   sign)
{
  guint n = self->n_visible;

  if (column == HEALER_DIAGNOSE_COLUMN_ID)
    {
      IdSort s = { self->results, sign };

      g_qsort_with_data (self->order, n, sizeof (guint), compare_ids, &s);
    }
  else
    {
      g_autofree Keyed *keyed = g_new (Keyed, MAX (n, 1));

      for (guint i = 0; i < n; i++)
        {
          keyed[i].row = self->order[i];
          keyed[i].key = row_key (self->results, self->order[i], column);
        }
      g_qsort_with_data (keyed, n, sizeof (Keyed), compare_keyed, GINT_TO_POINTER (sign));
      for (guint i = 0; i < n; i++)
        self->order[i] = keyed[i].row;
    }
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  HealerDiagnoseRows *self = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  GtkOrdering order;

  healer_diagnose_row_set_index (self->probe_a, ia);
  healer_diagnose_row_set_index (self->probe_b, ib);
  order = gtk_sorter_compare (self->sorter, self->probe_a, self->probe_b);
  if (order != GTK_ORDERING_EQUAL)
    return order;
  /* Ties stay in file order. */
  return ia < ib ? -1 : ia > ib;
}

static void
rebuild (HealerDiagnoseRows *self)
{
  guint n_rows = healer_results_get_n_rows (self->results);
  guint old = self->n_visible;
  guint n = 0;

  for (guint i = 0; i < n_rows; i++)
    if (row_visible (self, i))
      self->order[n++] = i;
  self->n_visible = n;

  if (self->sorter != NULL && gtk_sorter_get_order (self->sorter) != GTK_SORTER_ORDER_NONE)
    {
      HealerDiagnoseColumn column;
      int sign;

      if (probe_sorter (self, &column, &sign))
        sort_by_column (self, column, sign);
      else if (probed_column < 0)
        /* A sorter that is not the table's: ask it about every pair. */
        g_qsort_with_data (self->order, n, sizeof (guint), compare_rows, self);
    }

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old, n);
}

HealerDiagnoseRows *
healer_diagnose_rows_new (HealerResults *results)
{
  HealerDiagnoseRows *self;
  guint n;

  g_return_val_if_fail (HEALER_IS_RESULTS (results), NULL);

  self = g_object_new (HEALER_TYPE_DIAGNOSE_ROWS, NULL);
  self->results = g_object_ref (results);
  n = healer_results_get_n_rows (results);
  self->order = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    self->order[i] = i;
  self->n_visible = n;
  self->probe_a = healer_diagnose_row_new (results, 0);
  self->probe_b = healer_diagnose_row_new (results, 0);
  return self;
}

HealerResults *
healer_diagnose_rows_get_results (HealerDiagnoseRows *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_ROWS (self), NULL);

  return self->results;
}

void
healer_diagnose_rows_set_filter (HealerDiagnoseRows *self,
                                 const char         *search,
                                 int                 klass,
                                 gboolean            uncertain_only)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_ROWS (self));

  g_clear_pointer (&self->search, g_free);
  if (search != NULL && *search != '\0')
    self->search = g_strdup (search);
  self->klass = klass;
  self->uncertain_only = !!uncertain_only;
  rebuild (self);
}

static void
sorter_changed_cb (HealerDiagnoseRows *self)
{
  rebuild (self);
}

void
healer_diagnose_rows_set_sorter (HealerDiagnoseRows *self,
                                 GtkSorter          *sorter)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_ROWS (self));
  g_return_if_fail (!sorter || GTK_IS_SORTER (sorter));

  if (self->sorter == sorter)
    return;
  if (self->sorter != NULL)
    g_clear_signal_handler (&self->sorter_changed_id, self->sorter);
  g_set_object (&self->sorter, sorter);
  if (sorter != NULL)
    self->sorter_changed_id = g_signal_connect_swapped (sorter, "changed",
                                                        G_CALLBACK (sorter_changed_cb), self);
  rebuild (self);
}

guint
healer_diagnose_rows_get_index (HealerDiagnoseRows *self,
                                guint               position)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_ROWS (self), 0);
  g_return_val_if_fail (position < self->n_visible, 0);

  return self->order[position];
}
