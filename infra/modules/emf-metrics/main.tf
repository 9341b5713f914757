# CloudWatch's rules for the service's EMF names, stated once: every module
# and root that hands METRICS_NAMESPACE, METRICS_SERVICE or
# METRICS_ENVIRONMENT to the service, or alarms on those metrics, passes them
# through this module (variables.tf), so a name CloudWatch or the binary
# (app/src/emf.cpp) would refuse fails the plan. No resources.
