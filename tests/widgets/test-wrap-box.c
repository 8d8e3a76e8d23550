/* test-wrap-box.c — lines break where the width runs out, spare space goes
 * to the expanding children, and the box never asks for more than its
 * widest child
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-test-gui.h"
#include "healer-wrap-box.h"

/* A child with a fixed minimum and natural size. */
static GtkWidget *
fixed (int      width,
       int      height,
       gboolean hexpand,
       gboolean vexpand)
{
  GtkWidget *w = gtk_label_new (NULL);

  gtk_widget_set_size_request (w, width, height);
  gtk_widget_set_hexpand (w, hexpand);
  gtk_widget_set_vexpand (w, vexpand);
  return w;
}

static graphene_rect_t
bounds_in (GtkWidget *widget,
           GtkWidget *ancestor)
{
  graphene_rect_t r;

  g_assert_true (gtk_widget_compute_bounds (widget, ancestor, &r));
  return r;
}

static void
test_measure (void)
{
  GtkWidget *box = healer_wrap_box_new (10, 5);
  g_autoptr(GtkWidget) ref = g_object_ref_sink (box);
  int min, nat;

  healer_wrap_box_append (HEALER_WRAP_BOX (box), fixed (100, 20, FALSE, FALSE));
  healer_wrap_box_append (HEALER_WRAP_BOX (box), fixed (150, 30, FALSE, FALSE));
  healer_wrap_box_append (HEALER_WRAP_BOX (box), fixed (80, 40, FALSE, FALSE));

  /* As narrow as the widest child; as wide as all of them on one line. */
  gtk_widget_measure (box, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, ==, 150);
  g_assert_cmpint (nat, ==, 100 + 10 + 150 + 10 + 80);

  /* One line: the tallest child. */
  gtk_widget_measure (box, GTK_ORIENTATION_VERTICAL, 400, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, ==, 40);
  /* 100 + 150 on one line (260 ≤ 300), 80 on the next. */
  gtk_widget_measure (box, GTK_ORIENTATION_VERTICAL, 300, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, ==, 30 + 5 + 40);
  /* One child a line. */
  gtk_widget_measure (box, GTK_ORIENTATION_VERTICAL, 150, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, ==, 20 + 5 + 30 + 5 + 40);
}

static void
test_allocate (void)
{
  GtkWidget *box = healer_wrap_box_new (10, 5);
  GtkWidget *a = fixed (100, 20, FALSE, FALSE);
  GtkWidget *b = fixed (150, 30, TRUE, FALSE);
  GtkWidget *c = fixed (80, 40, FALSE, TRUE);
  GtkWindow *window;
  graphene_rect_t ra, rb, rc;

  healer_wrap_box_append (HEALER_WRAP_BOX (box), a);
  healer_wrap_box_append (HEALER_WRAP_BOX (box), b);
  healer_wrap_box_append (HEALER_WRAP_BOX (box), c);
  gtk_widget_set_valign (box, GTK_ALIGN_FILL);

  /* Wide: one line; the spare width goes to b, the only hexpand child. */
  window = healer_test_show (box, 600, 200);
  g_assert_cmpuint (healer_wrap_box_get_n_lines (HEALER_WRAP_BOX (box)), ==, 1);
  ra = bounds_in (a, box);
  rb = bounds_in (b, box);
  rc = bounds_in (c, box);
  g_assert_cmpfloat (ra.origin.x, ==, 0);
  g_assert_cmpfloat (rb.origin.x, ==, 110);
  g_assert_cmpfloat (rb.size.width, ==, 600 - 100 - 80 - 20);
  g_assert_cmpfloat (rc.origin.x + rc.size.width, ==, 600);
  g_assert_cmpfloat (rc.size.height, ==, 200);

  /* Narrow: c wraps; its line holds the vexpand child, so it takes the
   * spare height, and b fills the first line's width. */
  healer_test_resize (window, 300, 200);
  g_assert_cmpint (gtk_widget_get_width (box), ==, 300);
  g_assert_cmpuint (healer_wrap_box_get_n_lines (HEALER_WRAP_BOX (box)), ==, 2);
  rb = bounds_in (b, box);
  rc = bounds_in (c, box);
  g_assert_cmpfloat (rb.origin.y, ==, 0);
  g_assert_cmpfloat (rb.size.width, ==, 300 - 100 - 10);
  g_assert_cmpfloat (rc.origin.x, ==, 0);
  g_assert_cmpfloat (rc.origin.y, ==, 30 + 5);
  g_assert_cmpfloat (rc.size.height, ==, 200 - 30 - 5);

  /* Right to left: the first child is at the right. */
  gtk_widget_set_direction (box, GTK_TEXT_DIR_RTL);
  healer_test_wait_frame (box);
  ra = bounds_in (a, box);
  g_assert_cmpfloat (ra.origin.x + ra.size.width, ==, 300);

  /* The window can be made as narrow as the widest child. */
  healer_test_resize (window, 150, 200);
  g_assert_cmpint (gtk_widget_get_width (box), ==, 150);
  g_assert_cmpuint (healer_wrap_box_get_n_lines (HEALER_WRAP_BOX (box)), ==, 3);

  gtk_window_destroy (window);
}

static void
test_builder (void)
{
  static const char ui[] =
    "<interface>"
    "  <object class='HealerWrapBox' id='box'>"
    "    <property name='spacing'>6</property>"
    "    <property name='row-spacing'>3</property>"
    "    <property name='centered'>True</property>"
    "    <child><object class='GtkButton' id='one'><property name='label'>One</property></object></child>"
    "    <child><object class='GtkButton'><property name='label'>Two</property></object></child>"
    "  </object>"
    "</interface>";
  g_autoptr(GtkBuilder) builder = NULL;
  GObject *box;
  int spacing, row_spacing;
  gboolean centered;

  g_type_ensure (HEALER_TYPE_WRAP_BOX);
  builder = gtk_builder_new_from_string (ui, -1);
  box = gtk_builder_get_object (builder, "box");
  g_assert_true (HEALER_IS_WRAP_BOX (box));
  g_object_get (box, "spacing", &spacing, "row-spacing", &row_spacing, "centered", &centered, NULL);
  g_assert_cmpint (spacing, ==, 6);
  g_assert_cmpint (row_spacing, ==, 3);
  g_assert_true (centered);
  g_assert_true (gtk_widget_get_parent (GTK_WIDGET (gtk_builder_get_object (builder, "one")))
                 == GTK_WIDGET (box));
  g_object_ref_sink (box);
  g_object_unref (box);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/wrap-box/measure", test_measure);
  g_test_add_func ("/wrap-box/allocate", test_allocate);
  g_test_add_func ("/wrap-box/builder", test_builder);

  return g_test_run ();
}
