/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-fake-network-monitor.c: a GNetworkMonitor tests switch by hand */
#include "fm-fake-network-monitor.h"

struct _FmFakeNetworkMonitor
{
  GObject  parent_instance;
  gboolean available;
  gboolean metered;
};

static void initable_iface_init (GInitableIface *iface);
static void monitor_iface_init (GNetworkMonitorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FmFakeNetworkMonitor, fm_fake_network_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, monitor_iface_init))

enum { PROP_0, PROP_AVAILABLE, PROP_METERED, PROP_CONNECTIVITY };

static gboolean
initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = initable_init;
}

static gboolean
can_reach (GNetworkMonitor *monitor, GSocketConnectable *connectable,
           GCancellable *cancellable, GError **error)
{
  return FM_FAKE_NETWORK_MONITOR (monitor)->available;
}

static void
monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = can_reach;
}

static void
get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FmFakeNetworkMonitor *self = FM_FAKE_NETWORK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE: g_value_set_boolean (value, self->available); break;
    case PROP_METERED: g_value_set_boolean (value, self->metered); break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_fake_network_monitor_class_init (FmFakeNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = get_property;
  g_object_class_override_property (object_class, PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
fm_fake_network_monitor_init (FmFakeNetworkMonitor *self)
{
  self->available = TRUE;
}

FmFakeNetworkMonitor *
fm_fake_network_monitor_new (void)
{
  return g_object_new (FM_TYPE_FAKE_NETWORK_MONITOR, NULL);
}

void
fm_fake_network_monitor_set_available (FmFakeNetworkMonitor *self,
                                       gboolean              available)
{
  if (self->available == available)
    return;
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}

/* A phone's hotspot, say: GIO's monitors notify "network-metered". */
void
fm_fake_network_monitor_set_metered (FmFakeNetworkMonitor *self,
                                     gboolean              metered)
{
  if (self->metered == metered)
    return;
  self->metered = metered;
  g_object_notify (G_OBJECT (self), "network-metered");
  g_signal_emit_by_name (self, "network-changed", self->available);
}
