import TelnyxLua
