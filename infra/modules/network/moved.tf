# The network ACLs were one resource per tier until they became one resource
# over the tiers (main.tf): these blocks move them in the state instead of
# destroying and recreating them. Keep them until every environment has
# applied this version.
moved {
  from = aws_network_acl.public[0]
  to   = aws_network_acl.tier["public"]
}

moved {
  from = aws_network_acl.private[0]
  to   = aws_network_acl.tier["private"]
}
