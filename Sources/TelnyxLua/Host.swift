import Telnyx
