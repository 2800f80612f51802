"""A ready-made fictional inspection to try Triangulate with, and a simulated team to work in it."""
