/* healer-wrap-layout.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-wrap-layout.h"

struct _HealerWrapLayout
{
  GtkLayoutManager parent_instance;

  int      spacing;
  int      row_spacing;
  gboolean centered;
  guint    n_lines;
};

G_DEFINE_FINAL_TYPE (HealerWrapLayout, healer_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

enum {
  PROP_0,
  PROP_SPACING,
  PROP_ROW_SPACING,
  PROP_CENTERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GtkWidget *child;
  int        min_w;
  int        nat_w;
  int        width;        /* on its line */
  gboolean   hexpand;
} Item;

typedef struct
{
  guint    first;
  guint    n;
  int      min_h;
  int      nat_h;
  gboolean vexpand;
} Line;

static GArray *
collect_items (GtkWidget *widget)
{
  GArray *items = g_array_new (FALSE, TRUE, sizeof (Item));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Item item = { child, 0, 0, 0, FALSE };

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1,
                          &item.min_w, &item.nat_w, NULL, NULL);
      item.hexpand = gtk_widget_compute_expand (child, GTK_ORIENTATION_HORIZONTAL);
      g_array_append_val (items, item);
    }
  return items;
}

/* Gives the items of @line their widths within @width: natural widths plus
 * the spare to hexpand items when they fit, otherwise as much of the
 * natural widths as there is room for above the minimums. */
static void
size_line (HealerWrapLayout *self,
           GArray           *items,
           Line             *line,
           int               width)
{
  Item *first = &g_array_index (items, Item, line->first);
  int avail = MAX (0, width - self->spacing * ((int) line->n - 1));
  int sum_min = 0;
  int sum_nat = 0;
  guint n_expand = 0;

  for (guint i = 0; i < line->n; i++)
    {
      sum_min += first[i].min_w;
      sum_nat += first[i].nat_w;
      n_expand += first[i].hexpand ? 1 : 0;
    }

  if (sum_nat <= avail)
    {
      int extra = avail - sum_nat;
      guint k = 0;

      for (guint i = 0; i < line->n; i++)
        {
          first[i].width = first[i].nat_w;
          if (first[i].hexpand && n_expand > 0)
            {
              /* The remainder goes to the first ones, a pixel each. */
              first[i].width += extra / (int) n_expand + (k < (guint) (extra % (int) n_expand) ? 1 : 0);
              k++;
            }
        }
    }
  else
    {
      g_autofree GtkRequestedSize *sizes = g_new0 (GtkRequestedSize, line->n);

      for (guint i = 0; i < line->n; i++)
        {
          sizes[i].minimum_size = first[i].min_w;
          sizes[i].natural_size = first[i].nat_w;
        }
      if (avail > sum_min)
        gtk_distribute_natural_allocation (avail - sum_min, line->n, sizes);
      for (guint i = 0; i < line->n; i++)
        first[i].width = sizes[i].minimum_size;
    }

  line->min_h = 0;
  line->nat_h = 0;
  line->vexpand = FALSE;
  for (guint i = 0; i < line->n; i++)
    {
      int min_h, nat_h;

      gtk_widget_measure (first[i].child, GTK_ORIENTATION_VERTICAL, first[i].width,
                          &min_h, &nat_h, NULL, NULL);
      line->min_h = MAX (line->min_h, min_h);
      line->nat_h = MAX (line->nat_h, nat_h);
      line->vexpand |= gtk_widget_compute_expand (first[i].child, GTK_ORIENTATION_VERTICAL);
    }
}

/* Breaks @items into lines for @width: a child joins a line while the
 * line's natural widths still fit, and every line holds at least one. */
static GArray *
break_lines (HealerWrapLayout *self,
             GArray           *items,
             int               width)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (Line));
  Line line = { 0, 0, 0, 0, FALSE };
  int line_nat = 0;

  for (guint i = 0; i < items->len; i++)
    {
      int w = g_array_index (items, Item, i).nat_w;

      if (line.n > 0 && line_nat + self->spacing + w > width)
        {
          g_array_append_val (lines, line);
          line.first = i;
          line.n = 0;
          line_nat = 0;
        }
      line_nat += (line.n > 0 ? self->spacing : 0) + w;
      line.n++;
    }
  if (line.n > 0)
    g_array_append_val (lines, line);

  for (guint l = 0; l < lines->len; l++)
    size_line (self, items, &g_array_index (lines, Line, l), width);
  return lines;
}

static GtkSizeRequestMode
healer_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                     GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
healer_wrap_layout_measure (GtkLayoutManager *manager,
                            GtkWidget        *widget,
                            GtkOrientation    orientation,
                            int               for_size,
                            int              *minimum,
                            int              *natural,
                            int              *minimum_baseline,
                            int              *natural_baseline)
{
  HealerWrapLayout *self = HEALER_WRAP_LAYOUT (manager);
  g_autoptr(GArray) items = collect_items (widget);
  int min_w = 0;
  int nat_w = 0;

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);

      min_w = MAX (min_w, item->min_w);
      nat_w += (i > 0 ? self->spacing : 0) + item->nat_w;
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = min_w;
      *natural = nat_w;
    }
  else
    {
      /* Without a width, the natural one: everything on one line. */
      g_autoptr(GArray) lines = break_lines (self, items, for_size < 0 ? nat_w : MAX (for_size, min_w));

      *minimum = *natural = 0;
      for (guint l = 0; l < lines->len; l++)
        {
          Line *line = &g_array_index (lines, Line, l);
          int gap = l > 0 ? self->row_spacing : 0;

          *minimum += gap + line->min_h;
          *natural += gap + line->nat_h;
        }
    }
}

static void
healer_wrap_layout_allocate (GtkLayoutManager *manager,
                             GtkWidget        *widget,
                             int               width,
                             int               height,
                             int               baseline)
{
  HealerWrapLayout *self = HEALER_WRAP_LAYOUT (manager);
  g_autoptr(GArray) items = collect_items (widget);
  g_autoptr(GArray) lines = break_lines (self, items, width);
  g_autofree GtkRequestedSize *sizes = g_new0 (GtkRequestedSize, MAX (lines->len, 1));
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int gaps = self->row_spacing * ((int) lines->len - 1);
  int sum_min = 0;
  int sum_nat = 0;
  guint n_vexpand = 0;
  int y = 0;

  self->n_lines = lines->len;
  if (lines->len == 0)
    return;

  for (guint l = 0; l < lines->len; l++)
    {
      Line *line = &g_array_index (lines, Line, l);

      sizes[l].minimum_size = line->min_h;
      sizes[l].natural_size = line->nat_h;
      sum_min += line->min_h;
      sum_nat += line->nat_h;
      n_vexpand += line->vexpand ? 1 : 0;
    }

  if (height - gaps >= sum_nat)
    {
      int extra = height - gaps - sum_nat;
      guint k = 0;

      for (guint l = 0; l < lines->len; l++)
        {
          Line *line = &g_array_index (lines, Line, l);

          sizes[l].minimum_size = line->nat_h;
          if (line->vexpand)
            {
              sizes[l].minimum_size += extra / (int) n_vexpand + (k < (guint) (extra % (int) n_vexpand) ? 1 : 0);
              k++;
            }
        }
    }
  else if (height - gaps > sum_min)
    gtk_distribute_natural_allocation (height - gaps - sum_min, lines->len, sizes);

  for (guint l = 0; l < lines->len; l++)
    {
      Line *line = &g_array_index (lines, Line, l);
      Item *first = &g_array_index (items, Item, line->first);
      int used = self->spacing * ((int) line->n - 1);
      int x;

      for (guint i = 0; i < line->n; i++)
        used += first[i].width;
      x = self->centered ? MAX (0, (width - used) / 2) : 0;

      for (guint i = 0; i < line->n; i++)
        {
          GtkAllocation alloc = { rtl ? width - x - first[i].width : x, y,
                                  first[i].width, sizes[l].minimum_size };

          gtk_widget_size_allocate (first[i].child, &alloc, -1);
          x += first[i].width + self->spacing;
        }
      y += sizes[l].minimum_size + self->row_spacing;
    }
}

static void
healer_wrap_layout_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HealerWrapLayout *self = HEALER_WRAP_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    case PROP_ROW_SPACING:
      g_value_set_int (value, self->row_spacing);
      break;
    case PROP_CENTERED:
      g_value_set_boolean (value, self->centered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_wrap_layout_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HealerWrapLayout *self = HEALER_WRAP_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      healer_wrap_layout_set_spacing (self, g_value_get_int (value));
      break;
    case PROP_ROW_SPACING:
      healer_wrap_layout_set_row_spacing (self, g_value_get_int (value));
      break;
    case PROP_CENTERED:
      healer_wrap_layout_set_centered (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_wrap_layout_class_init (HealerWrapLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  object_class->get_property = healer_wrap_layout_get_property;
  object_class->set_property = healer_wrap_layout_set_property;

  layout_class->get_request_mode = healer_wrap_layout_get_request_mode;
  layout_class->measure = healer_wrap_layout_measure;
  layout_class->allocate = healer_wrap_layout_allocate;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT16, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROW_SPACING] =
    g_param_spec_int ("row-spacing", NULL, NULL, 0, G_MAXINT16, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CENTERED] =
    g_param_spec_boolean ("centered", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
healer_wrap_layout_init (HealerWrapLayout *self)
{
}

GtkLayoutManager *
healer_wrap_layout_new (void)
{
  return g_object_new (HEALER_TYPE_WRAP_LAYOUT, NULL);
}

int
healer_wrap_layout_get_spacing (HealerWrapLayout *self)
{
  g_return_val_if_fail (HEALER_IS_WRAP_LAYOUT (self), 0);
  return self->spacing;
}

void
healer_wrap_layout_set_spacing (HealerWrapLayout *self,
                                int               spacing)
{
  g_return_if_fail (HEALER_IS_WRAP_LAYOUT (self));
  g_return_if_fail (spacing >= 0);

  if (self->spacing == spacing)
    return;
  self->spacing = spacing;
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}

int
healer_wrap_layout_get_row_spacing (HealerWrapLayout *self)
{
  g_return_val_if_fail (HEALER_IS_WRAP_LAYOUT (self), 0);
  return self->row_spacing;
}

void
healer_wrap_layout_set_row_spacing (HealerWrapLayout *self,
                                    int               row_spacing)
{
  g_return_if_fail (HEALER_IS_WRAP_LAYOUT (self));
  g_return_if_fail (row_spacing >= 0);

  if (self->row_spacing == row_spacing)
    return;
  self->row_spacing = row_spacing;
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW_SPACING]);
}

gboolean
healer_wrap_layout_get_centered (HealerWrapLayout *self)
{
  g_return_val_if_fail (HEALER_IS_WRAP_LAYOUT (self), FALSE);
  return self->centered;
}

void
healer_wrap_layout_set_centered (HealerWrapLayout *self,
                                 gboolean          centered)
{
  g_return_if_fail (HEALER_IS_WRAP_LAYOUT (self));

  centered = !!centered;
  if (self->centered == centered)
    return;
  self->centered = centered;
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CENTERED]);
}

guint
healer_wrap_layout_get_n_lines (HealerWrapLayout *self)
{
  g_return_val_if_fail (HEALER_IS_WRAP_LAYOUT (self), 0);
  return self->n_lines;
}
