/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-qr-code.c: a link as a QR code, crisp at any size */
#define G_LOG_DOMAIN "fm-qr-code"

#include <glib/gi18n.h>
#include <qrencode.h>

#include "fm-qr-code.h"

#define QUIET_ZONE 4        /* modules of white around the code */
#define MIN_MODULE_PX 3     /* below that phones struggle */

struct _FmQrCode
{
  GtkWidget  parent_instance;

  char      *text;
  QRcode    *code;        /* NULL: nothing to show (no text, or too long) */
};

enum { PROP_0, PROP_TEXT, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FmQrCode, fm_qr_code, GTK_TYPE_WIDGET)

static int
side_in_modules (FmQrCode *self)
{
  return self->code != NULL ? self->code->width + 2 * QUIET_ZONE : 0;
}

static void
fm_qr_code_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  int side = side_in_modules (FM_QR_CODE (widget));

  *minimum = side * MIN_MODULE_PX;
  *natural = side * 6;
}

static void
fm_qr_code_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  FmQrCode *self = FM_QR_CODE (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int side = side_in_modules (self), module, x0, y0;
  const GdkRGBA dark = { 0, 0, 0, 1 }, light = { 1, 1, 1, 1 };

  if (side == 0)
    return;
  /* whole pixels per module: no blurred edges, at any scale */
  module = MAX (1, MIN (width, height) / side);
  x0 = (width - module * side) / 2;
  y0 = (height - module * side) / 2;
  gtk_snapshot_append_color (snapshot, &light, &GRAPHENE_RECT_INIT (x0, y0, module * side, module * side));
  for (int y = 0; y < self->code->width; y++)
    for (int x = 0; x < self->code->width; x++)
      if (self->code->data[y * self->code->width + x] & 1)
        gtk_snapshot_append_color (snapshot, &dark,
                                   &GRAPHENE_RECT_INIT (x0 + (x + QUIET_ZONE) * module,
                                                        y0 + (y + QUIET_ZONE) * module, module, module));
}

void
fm_qr_code_set_text (FmQrCode   *self,
                     const char *text)
{
  g_return_if_fail (FM_IS_QR_CODE (self));
  if (g_strcmp0 (text, self->text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->code, QRcode_free);
  if (text != NULL && *text != '\0')
    self->code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
fm_qr_code_get_text (FmQrCode *self)
{
  g_return_val_if_fail (FM_IS_QR_CODE (self), NULL);
  return self->text;
}

/* Modules on a side, without the quiet zone; 0 when there is no code. */
int
fm_qr_code_get_modules (FmQrCode *self)
{
  g_return_val_if_fail (FM_IS_QR_CODE (self), 0);
  return self->code != NULL ? self->code->width : 0;
}

static void
fm_qr_code_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT: g_value_set_string (value, FM_QR_CODE (object)->text); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_qr_code_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT: fm_qr_code_set_text (FM_QR_CODE (object), g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_qr_code_finalize (GObject *object)
{
  FmQrCode *self = FM_QR_CODE (object);

  g_free (self->text);
  g_clear_pointer (&self->code, QRcode_free);
  G_OBJECT_CLASS (fm_qr_code_parent_class)->finalize (object);
}

static void
fm_qr_code_class_init (FmQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fm_qr_code_finalize;
  object_class->get_property = fm_qr_code_get_property;
  object_class->set_property = fm_qr_code_set_property;
  widget_class->measure = fm_qr_code_measure;
  widget_class->snapshot = fm_qr_code_snapshot;
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                               G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "qrcode");
}

static void
fm_qr_code_init (FmQrCode *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("QR code of the link"), -1);
}

GtkWidget *
fm_qr_code_new (const char *text)
{
  return g_object_new (FM_TYPE_QR_CODE, "text", text, NULL);
}
