from . import product_validation
