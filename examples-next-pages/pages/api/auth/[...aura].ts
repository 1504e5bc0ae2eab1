export { handler as default } from "@/lib/auth"
